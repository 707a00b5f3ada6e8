package io.bdt.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bdt.contracts.reputation.CurrentReputation;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/**
 * One algorithm's run on the live platform for {@code ./bdt reproduce --live}: starts the platform
 * on a new data directory (a new chain) with every AP's slot coordinator deciding with the named
 * policy, checks every AP reports that policy, reads every AP's reputation {@code R_m} once per
 * slot as the ledger's rule makes it at that moment ({@link CurrentReputation}, through AP 0's
 * node: the reading the APs' slot loops and coordinators take, which decays an AP nobody serves
 * slot by slot where {@code bdt_reputation} holds it for the receipt window), and takes the
 * gateways' task counters at the end of the warm-up and at the end: the result is what happened in
 * between.
 */
final class LiveRun {

  /**
   * One gateway's part of a run.
   *
   * @param name {@code gw1}, ...
   * @param model the model of its devices
   * @param computeScale its compute class
   * @param tasks its counters over the measured window
   */
  record GatewayRun(String name, String model, double computeScale, GatewayMetrics tasks) {}

  /**
   * Every AP's {@code R_m} as the ledger's rule makes it ({@link CurrentReputation}) at {@code
   * seconds} after the platform was up.
   */
  record ReputationSample(double seconds, double[] reputation) {}

  /**
   * One run's measurements.
   *
   * @param policy the coordinator's policy name
   * @param gateways each gateway's counters over the measured window (after the warm-up)
   * @param taskList every task finished in the measured window, from the twins' history (empty when
   *     it could not be read, which the run says)
   * @param aps the number of APs
   * @param reputation {@code R_m} per slot from the start (warm-up included); a slot whose read
   *     failed has no sample
   * @param startSeconds how long the platform took to come up, seconds
   * @param blocks blocks the chain added in the measured window (AP 0's node; -1: not read)
   * @param measuredSeconds the measured window's length, seconds
   */
  record Result(
      String policy,
      List<GatewayRun> gateways,
      List<TaskHistory.Task> taskList,
      int aps,
      List<ReputationSample> reputation,
      double startSeconds,
      long blocks,
      double measuredSeconds) {

    /**
     * The measured mean block interval, seconds: {@code D^C}'s {@code 1 / sum_m lambda_m} as the
     * run's chain produced it (NaN when no block was added or the heights were not read).
     */
    double meanBlockIntervalSeconds() {
      return blocks > 0 ? measuredSeconds / blocks : Double.NaN;
    }

    /** Every gateway's counters added. */
    GatewayMetrics tasks() {
      GatewayMetrics sum = GatewayMetrics.NONE;
      for (GatewayRun g : gateways) {
        sum = sum.plus(g.tasks());
      }
      return sum;
    }

    /** Tasks per cut, per model (a cut index is its model's). */
    SortedMap<String, SortedMap<Integer, Long>> cutsByModel() {
      SortedMap<String, SortedMap<Integer, Long>> out = new TreeMap<>();
      for (GatewayRun g : gateways) {
        SortedMap<Integer, Long> cuts = out.computeIfAbsent(g.model(), k -> new TreeMap<>());
        g.tasks().cuts().forEach((k, v) -> cuts.merge(k, v, Long::sum));
      }
      return out;
    }

    /**
     * Each AP's mean {@code R_m} over the samples at or after {@code fromSeconds} (NaN, which no
     * {@code R_min} is kept by, when there is none).
     */
    double[] timeAverageReputation(double fromSeconds) {
      double[] sum = new double[aps];
      int n = 0;
      for (ReputationSample s : reputation) {
        if (s.seconds() >= fromSeconds) {
          for (int m = 0; m < aps; m++) {
            sum[m] += s.reputation()[m];
          }
          n++;
        }
      }
      for (int m = 0; m < aps; m++) {
        sum[m] = n == 0 ? Double.NaN : sum[m] / n;
      }
      return sum;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient RPC =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private LiveRun() {}

  /**
   * Runs {@code policy} on a platform with {@code settings} (whose {@code work} must be a new
   * directory) and the fleet {@code layout} for {@code warmUp + measured}, seed {@code seed} for a
   * drawing policy.
   */
  static Result run(
      PlatformSettings settings,
      FleetLayout layout,
      String policy,
      long seed,
      Duration warmUp,
      Duration measured,
      PrintStream out)
      throws Exception {
    Map<String, String> ap =
        Map.of("bdt.ap.coordinator.policy", policy, "bdt.ap.coordinator.seed", Long.toString(seed));
    PlatformSettings withPolicy =
        new PlatformSettings(
            settings.root(),
            settings.work(),
            settings.aps(),
            settings.gateways(),
            settings.devices(),
            settings.mqttUrl(),
            settings.kafkaServers(),
            settings.basePort(),
            settings.periodMillis(),
            settings.gatewayFlops(),
            settings.faults(),
            settings.mqttPlainPort(),
            ap,
            false);
    long begin = System.nanoTime();
    Platform platform = new Platform(withPolicy, out);
    try {
      platform.withFleet(layout);
      platform.start();
      double startSeconds = (System.nanoTime() - begin) / 1e9;
      checkPolicy(platform, policy);
      List<String> addresses = new ArrayList<>();
      for (int m = 0; m < settings.aps(); m++) {
        addresses.add(platform.keys().ap(m).getAddress());
      }
      String rpc = "http://127.0.0.1:" + platform.rpcPort(0);
      Web3j web3j = Web3j.build(new HttpService(rpc));
      CurrentReputation reputation =
          CurrentReputation.of(web3j, platform.contracts().reputationLedger());
      List<ReputationSample> samples = new ArrayList<>();
      long up = System.nanoTime();
      long warmEnd = up + warmUp.toNanos();
      long end = warmEnd + measured.toNanos();
      List<GatewayMetrics> atWarmUp = null;
      Instant measuredFrom = null;
      long heightFrom = -1;
      int missed = 0;
      try {
        for (long next = up; System.nanoTime() < end; next += 1_000_000_000L) {
          long wait = next - System.nanoTime();
          if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
          }
          if (atWarmUp == null && System.nanoTime() >= warmEnd) {
            atWarmUp = metrics(platform);
            measuredFrom = Instant.now();
            heightFrom = height(rpc);
          }
          double[] r = new double[addresses.size()];
          try {
            for (int m = 0; m < r.length; m++) {
              r[m] = reputation.read(addresses.get(m));
            }
            samples.add(new ReputationSample((System.nanoTime() - up) / 1e9, r));
          } catch (Exception e) {
            // a busy node that does not answer in time: this slot has no sample (said once a run)
            if (missed++ == 0) {
              out.println("reproduce: a reputation read failed, that slot is not sampled: " + e);
            }
          }
        }
      } finally {
        web3j.shutdown();
      }
      List<GatewayMetrics> total = metrics(platform);
      Instant measuredTo = Instant.now();
      long heightTo = height(rpc);
      long blocks = heightFrom < 0 || heightTo < 0 ? -1 : heightTo - heightFrom;
      double measuredSeconds =
          measuredFrom == null ? 0 : Duration.between(measuredFrom, measuredTo).toNanos() / 1e9;
      List<GatewayRun> gateways = new ArrayList<>();
      for (int n = 0; n < total.size(); n++) {
        FleetLayout.Gateway g = layout.gateways().get(n);
        gateways.add(
            new GatewayRun(
                platform.gatewayProcesses().get(n).name(),
                g.devices().model(),
                g.computeScale(),
                total.get(n).since(atWarmUp == null ? GatewayMetrics.NONE : atWarmUp.get(n))));
      }
      List<TaskHistory.Task> taskList = List.of();
      try {
        taskList =
            TaskHistory.read(
                platform, layout, measuredFrom == null ? measuredTo : measuredFrom, measuredTo);
      } catch (IOException e) {
        out.println("reproduce: the per-task results of " + policy + " are missing: " + e);
      }
      if (samples.isEmpty()) {
        out.println("reproduce: no reputation read of " + policy + " succeeded; R_m is not known");
      }
      return new Result(
          policy,
          gateways,
          taskList,
          addresses.size(),
          samples,
          startSeconds,
          blocks,
          measuredSeconds);
    } finally {
      try {
        platform.close();
      } catch (Exception e) {
        // the run is measured by now (or failed with its own exception, which this must not hide)
        out.println("reproduce: the platform of " + policy + " did not stop cleanly: " + e);
      }
    }
  }

  /**
   * Waits until every AP's {@code /status} names {@code policy} as its coordinator's (a busy AP may
   * not answer at once).
   *
   * @throws IllegalStateException when an AP names another policy, or does not answer for {@link
   *     #STATUS_LIMIT}
   */
  private static void checkPolicy(Platform platform, String policy) throws InterruptedException {
    long end = System.nanoTime() + STATUS_LIMIT.toNanos();
    for (Platform.ApSnapshot s : platform.apStatus()) {
      JsonNode status = s.status();
      while (status == null && System.nanoTime() < end) {
        Thread.sleep(1000);
        status = platform.getJson(s.url() + "/status");
      }
      if (status == null) {
        throw new IllegalStateException(
            s.name() + " did not answer /status within " + STATUS_LIMIT);
      }
      String running = status.path("coordinatorPolicy").asText();
      if (!policy.equals(running)) {
        throw new IllegalStateException(
            s.name()
                + " reports coordinator policy '"
                + running
                + "', not "
                + policy
                + " (an access-point build older than this launcher? rebuild with ./bdt)");
      }
    }
  }

  /** How long an AP may take to answer {@code /status} after the platform is up. */
  static final Duration STATUS_LIMIT = Duration.ofSeconds(120);

  /** Every gateway's counters, in gateway order. */
  private static List<GatewayMetrics> metrics(Platform platform)
      throws IOException, InterruptedException {
    List<GatewayMetrics> all = new ArrayList<>();
    for (ServiceProcess gw : platform.gatewayProcesses()) {
      for (int attempt = 1; ; attempt++) {
        try {
          all.add(GatewayMetrics.scrape(platform.http(), gw.baseUrl(), platform.adminToken()));
          break;
        } catch (IOException e) {
          if (attempt == 5) {
            throw e; // the run cannot be measured without the gateway's counters
          }
          Thread.sleep(2000);
        }
      }
    }
    return all;
  }

  /** The head block's number at {@code rpcUrl} ({@code eth_blockNumber}); -1 when not read. */
  static long height(String rpcUrl) throws InterruptedException {
    try {
      JsonNode tree = rpc(rpcUrl, "eth_blockNumber", List.of());
      if (!tree.path("result").isTextual()) {
        return -1;
      }
      return Long.decode(tree.path("result").asText());
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  private static JsonNode rpc(String rpcUrl, String method, List<?> params)
      throws IOException, InterruptedException {
    String body =
        JSON.writeValueAsString(
            Map.of("jsonrpc", "2.0", "id", 1, "method", method, "params", params));
    HttpResponse<String> r =
        RPC.send(
            HttpRequest.newBuilder(URI.create(rpcUrl))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body());
  }
}
