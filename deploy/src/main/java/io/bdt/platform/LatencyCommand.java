package io.bdt.platform;

import io.bdt.ap.chain.PlatformChain;
import io.bdt.ap.chain.PlatformKeys;
import io.bdt.dnn.codec.FrameCodec;
import io.bdt.dnn.vibration.MachineState;
import io.bdt.dnn.vibration.VibrationGenerator;
import io.bdt.gateway.inference.ApClient;
import io.bdt.gateway.inference.ApStatus;
import io.bdt.gateway.inference.FixedCostEstimator;
import io.bdt.gateway.inference.OffloadResult;
import io.bdt.gateway.inference.SplitHeads;
import io.bdt.gateway.inference.UplinkEstimator;
import io.bdt.optimizer.cost.CostTable;
import io.bdt.optimizer.dpra.SlotObservation;
import io.bdt.optimizer.dpra.SystemParameters;
import io.bdt.optimizer.joint.GatewayDemand;
import io.bdt.optimizer.model.SlotCost;
import io.bdt.platform.latency.Calibration;
import io.bdt.platform.latency.CutLatency;
import io.bdt.platform.latency.LatencyReport;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./bdt latency}: end-to-end inference latency per cut of the vibration model against the
 * optimizer's prediction. The gateway side runs here (the gateway's {@link SplitHeads} on ONNX
 * Runtime, codec frame, the gateway's {@link ApClient}); the AP is the real AP service started as a
 * child process, as in {@code ./bdt platform}.
 */
@Command(
    name = "latency",
    mixinStandardHelpOptions = true,
    description = {
      "Measures end-to-end inference latency of the vibration model at every cut k: gateway head"
          + " on ONNX Runtime -> codec frame -> HTTP offload to a real AP service -> tail (k = K:"
          + " the whole model on the gateway). Compares each cut's median with the optimizer's"
          + " prediction for the same cut and inputs (uplink EWMA, FLOP/s, share), and with the"
          + " model calibrated on this run's first tasks. Writes latency.csv, latency-tasks.csv"
          + " and latency.png."
    })
public final class LatencyCommand implements Callable<Integer> {

  @Option(
      names = "--tasks",
      defaultValue = "200",
      description = "measured tasks per cut (${DEFAULT-VALUE})")
  int tasks;

  @Option(
      names = "--warmup-rounds",
      defaultValue = "30",
      description =
          "rounds (one task per cut each) run first and discarded: JIT and connection warm-up"
              + " (${DEFAULT-VALUE})")
  int warmupRounds;

  @Option(
      names = "--calibration-tasks",
      defaultValue = "50",
      description =
          "tasks per cut run after the warm-up and before the measured ones; their medians"
              + " calibrate the model, so the calibrated error is out of sample (${DEFAULT-VALUE})")
  int calibrationTasks;

  @Option(
      names = "--gateway-flops",
      defaultValue = "1.2e10",
      description = "configured phi_G f_n^G, FLOP/s (${DEFAULT-VALUE}: the gateway's default)")
  double gatewayFlops;

  @Option(
      names = "--share",
      defaultValue = "1.0e10",
      description =
          "inference share f_mn^I sent to the AP, Hz (${DEFAULT-VALUE}: half of the AP's 2e10 Hz"
              + " budget, the rest mining, as at the platform's start)")
  double share;

  @Option(
      names = "--ap-cores",
      defaultValue = "1",
      description = "cores the AP's budget stands for (${DEFAULT-VALUE}, as in ./bdt platform)")
  int apCores;

  @Option(
      names = "--out",
      defaultValue = "target/latency",
      description = "directory for the CSV files and the chart (${DEFAULT-VALUE})")
  Path out;

  @Option(
      names = "--live-weight",
      defaultValue = "0.05",
      description =
          "weight of the newest task in the live gateway's running fits, as the gateway's"
              + " bdt.gateway.inference.cost-fit-weight (${DEFAULT-VALUE})")
  double liveWeight;

  @Option(names = "--work", description = "AP working directory (default: a new temporary one)")
  Path work;

  @Option(
      names = "--seed",
      defaultValue = "20261124",
      description = "seed of the sensor windows (${DEFAULT-VALUE})")
  long seed;

  /** Per cut, the latency of its first task (seconds), NaN before the run. */
  private double[] firstTask;

  /** The AP's and gateway's chain keys (generated into the working directory). */
  private PlatformKeys keys;

  /** One task's measured parts, seconds. */
  record Task(
      int cut,
      boolean calibration,
      double headSeconds,
      double offloadSeconds,
      double apSeconds,
      double totalSeconds,
      double predictedSeconds,
      double uplinkRate,
      double predictedMixedSeconds,
      double predictedLiveSeconds,
      double liveUplinkRate,
      double liveGatewayFlops,
      double liveHeadRunSeconds,
      double liveOffloadSeconds) {}

  @Override
  public Integer call() throws Exception {
    PrintStream log = System.out;
    if (tasks < 1 || calibrationTasks < 1 || warmupRounds < 0) {
      System.err.println(
          "latency: --tasks and --calibration-tasks must be >= 1 and --warmup-rounds >= 0, got "
              + tasks
              + ", "
              + calibrationTasks
              + " and "
              + warmupRounds);
      return 2;
    }
    if (!(share > 0) || !(gatewayFlops > 0)) {
      System.err.println(
          "latency: --share and --gateway-flops must be > 0, got "
              + share
              + " and "
              + gatewayFlops);
      return 2;
    }
    Path root = PlatformCommand.repositoryRoot();
    Path dir = work != null ? work : Files.createTempDirectory("bdt-latency-");
    Files.createDirectories(out);
    // the AP serves HTTPS with a CA of this run's own, as the platform's APs do
    PlatformPki pki = PlatformPki.open(dir.resolve("pki"), java.time.Clock.systemUTC());
    try (ServiceProcess ap = startAp(root, dir, pki, log);
        SplitHeads heads = SplitHeads.vibration(dir.resolve("gateway/models"), 1)) {
      long t0 = System.nanoTime();
      heads.warm();
      log.printf(
          Locale.ROOT,
          "latency: gateway heads warm in %d ms%n",
          (System.nanoTime() - t0) / 1_000_000);
      List<Task> all = run(heads, ap.baseUrl(), pki.clientContext(), log);
      CostTable table = heads.costTable();
      List<CutLatency> cuts = summarize(table, all);
      LatencyReport.write(out, table, cuts, all.stream().map(LatencyCommand::row).toList());
      LatencyReport.printTable(log, cuts);
      log.println(
          "latency: wrote " + out.resolve("latency.csv") + ", latency-tasks.csv, latency.png");
    }
    return 0;
  }

  /** The AP's genesis: its system section is the parameter set predictions are made with. */
  private Path genesis;

  private ServiceProcess startAp(Path root, Path dir, PlatformPki pki, PrintStream log)
      throws Exception {
    genesis = dir.resolve("genesis.json");
    keys = PlatformKeys.openOrCreate(dir.resolve("keys"), 1, 1);
    PlatformChain.genesis(keys).write(genesis);
    int port = freePort();
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("quarkus.http.port", Integer.toString(port));
    conf.putAll(pki.httpsSettings());
    // the AP verifies service tokens (its readiness check needs the key); none is issued here
    conf.put(
        "mp.jwt.verify.publickey.location",
        io.bdt.platform.auth.TokenKeys.openOrCreate(dir).publicKeyFile().toString());
    conf.put("bdt.ap.key-file", PlatformKeys.apFile(dir.resolve("keys"), 0).toString());
    conf.put("bdt.ap.model-cache", dir.resolve("models").toString());
    conf.put("bdt.ap.chain.genesis", genesis.toString());
    conf.put("bdt.ap.chain.data", dir.resolve("ap0/chain").toString());
    int rpcPort = freePort();
    conf.put("bdt.ap.chain.rpc-port", Integer.toString(rpcPort));
    conf.put("bdt.ap.chain.p2p-port", Integer.toString(freePort()));
    conf.put("bdt.ap.cores", Integer.toString(apCores));
    ServiceProcess ap =
        new ServiceProcess(
            "ap0",
            root.resolve("access-point/target/quarkus-app/quarkus-run.jar"),
            conf,
            dir.resolve("logs/ap0.log"),
            port,
            java.util.Optional.of(pki.clientContext()));
    long t0 = System.nanoTime();
    ap.start();
    ap.awaitReady("/q/health/ready", Duration.ofSeconds(180));
    // the AP serves registered gateways only: deploy the ledger with gateway 0 approved
    org.web3j.protocol.Web3j web3j =
        org.web3j.protocol.Web3j.build(
            new org.web3j.protocol.http.HttpService("http://127.0.0.1:" + rpcPort));
    try {
      io.bdt.ap.chain.NetworkContracts.deployPlatform(web3j, keys, log);
    } finally {
      web3j.shutdown();
    }
    log.printf(
        Locale.ROOT,
        "latency: AP %s ready (tails warm) in %.1f s; log %s%n",
        ap.baseUrl(),
        (System.nanoTime() - t0) / 1e9,
        dir.resolve("logs/ap0.log"));
    return ap;
  }

  private List<Task> run(
      SplitHeads heads, String apUrl, javax.net.ssl.SSLContext tls, PrintStream log)
      throws Exception {
    CostTable table = heads.costTable();
    int last = table.fullyLocalCut();
    ApClient client =
        new ApClient(keys.gateway(0).getEcKeyPair(), java.time.Clock.systemUTC(), tls);
    ApStatus status = client.status(apUrl, Duration.ofSeconds(2));
    double budget = status.budget();
    if (share > budget) {
      throw new IllegalArgumentException(
          "--share " + share + " Hz is more than the AP's budget " + budget + " Hz");
    }
    // the parameter set of the chain the AP runs (its genesis' system section)
    SystemParameters parameters =
        SystemParameters.live(io.bdt.consensus.chain.ChainSpec.read(genesis).parameters());
    // The gateway's estimator, kept per cut: what a gateway that stays at cut k (as the platform's
    // do) would have measured. "mixed": one estimate fed by every cut's frames in turn.
    io.bdt.contracts.reputation.SlotClock slots =
        PlatformChain.slotClock(io.bdt.consensus.chain.ChainSpec.read(genesis));
    UplinkEstimator uplink = new UplinkEstimator(last, 1.0e7, 0.3);
    UplinkEstimator mixed = new UplinkEstimator(1, 1.0e7, 0.3);
    // What the live gateway now keeps: running fits of its fixed costs and rates, fed by every task
    FixedCostEstimator live = new FixedCostEstimator(1, gatewayFlops, 1.0e7, liveWeight);
    VibrationGenerator windows = new VibrationGenerator(seed);
    Map<String, String> headers =
        Map.of(
            "X-Bdt-Gateway", keys.gateway(0).getAddress(),
            // the bench signs no receipts: it announces the most tasks a slot may hold, so the AP
            // serves every task of a slot within the one share (docs/dpra.md, "Checking the
            // claimed share")
            "X-Bdt-Slot-Tasks", "65536",
            "X-Bdt-Inference-Share", Double.toString(share),
            "X-Bdt-Mining-Share", Double.toString(budget - share));
    List<Task> out = new ArrayList<>();
    int rounds = warmupRounds + calibrationTasks + tasks;
    int afterWarmup = calibrationTasks + tasks;
    int step = Math.max(1, rounds / 10);
    long started = System.nanoTime();
    long id = 0;
    firstTask = new double[last + 1];
    java.util.Arrays.fill(firstTask, Double.NaN);
    // Round-robin over the cuts: every cut sees the same machine load over the run, so a burst of
    // load from other processes does not land on one cut only.
    for (int round = 0; round < rounds; round++) {
      boolean warmup = round < warmupRounds;
      // calibration rounds are spread evenly among the measured ones: same conditions, other tasks
      int j = round - warmupRounds;
      boolean calibration =
          !warmup
              && (long) (j + 1) * calibrationTasks / afterWarmup
                  > (long) j * calibrationTasks / afterWarmup;
      for (int k = 0; k <= last; k++) {
        float[] window =
            windows.next(MachineState.ORDER.get(round % MachineState.ORDER.size())).samples();
        double rate = uplink.rate(Math.min(k, last - 1));
        double predicted = predict(table, parameters, k, rate, budget);
        double predictedMixed = predict(table, parameters, k, mixed.rate(0), budget);
        GatewayDemand.FixedCosts fixed = live.fixedCosts(0);
        double liveRate = live.uplinkRate(0);
        double liveFlops = live.gatewayFlopsPerSecond();
        double predictedLive =
            SlotCost.gatewayLatency(
                observation(table, liveRate, liveFlops, budget, fixed),
                parameters,
                0,
                k,
                k == last ? 0 : share);
        long start = System.nanoTime();
        double head;
        double offload = 0;
        double apSeconds = 0;
        if (k == last) {
          heads.local(window);
          head = (System.nanoTime() - start) / 1e9;
          live.recordHead(table.cut(k).headFlops(), head);
        } else {
          byte[] frame = FrameCodec.encode(heads.head(k, window));
          head = (System.nanoTime() - start) / 1e9;
          live.recordHead(table.cut(k).headFlops(), head);
          Map<String, String> h = new LinkedHashMap<>(headers);
          h.put("X-Bdt-Task-Id", String.format(Locale.ROOT, "0x%064x", ++id));
          // the slot now on the ledger's clock: the AP takes claims only for slots it takes
          // receipts
          h.put("X-Bdt-Slot", Long.toString(slots.slotAt(java.time.Clock.systemUTC())));
          OffloadResult r = client.offload(apUrl, frame, h);
          offload = r.roundTripSeconds();
          apSeconds = r.apSeconds();
          uplink.record(k, frame.length * 8.0, r.roundTripSeconds() - r.apSeconds());
          mixed.record(0, frame.length * 8.0, r.roundTripSeconds() - r.apSeconds());
          live.recordOffload(0, frame.length * 8.0, r.roundTripSeconds() - r.apSeconds());
        }
        double total = (System.nanoTime() - start) / 1e9;
        if (round == 0) {
          firstTask[k] = total;
        }
        if (!warmup) {
          out.add(
              new Task(
                  k,
                  calibration,
                  head,
                  offload,
                  apSeconds,
                  total,
                  predicted,
                  rate,
                  predictedMixed,
                  predictedLive,
                  liveRate,
                  liveFlops,
                  fixed.headRunSeconds(),
                  fixed.offloadSeconds()));
        }
      }
      if ((round + 1) % step == 0 || round + 1 == rounds) {
        double elapsed = (System.nanoTime() - started) / 1e9;
        log.printf(
            Locale.ROOT,
            "latency: round %d/%d (%s, %d cuts each), %.0f s elapsed, ~%.0f s left%n",
            round + 1,
            rounds,
            warmup ? "warm-up" : calibration ? "calibration" : "measured",
            last + 1,
            elapsed,
            elapsed / (round + 1) * (rounds - round - 1));
      }
    }
    return out;
  }

  /** The optimizer's {@code D_n} for one sample at cut {@code k} with these inputs, seconds. */
  private double predict(
      CostTable table, SystemParameters parameters, int k, double rate, double budget) {
    return SlotCost.gatewayLatency(
        observation(table, rate, gatewayFlops, budget, GatewayDemand.FixedCosts.NONE),
        parameters,
        0,
        k,
        k == table.fullyLocalCut() ? 0 : share);
  }

  /** One gateway with one sample at one AP that has no reputation or queue. */
  private static SlotObservation observation(
      CostTable table, double rate, double flops, double budget, GatewayDemand.FixedCosts fixed) {
    return new SlotObservation(
        new int[] {1},
        List.of(table),
        new int[] {0},
        new double[] {rate},
        new double[] {flops},
        new double[] {budget},
        new double[] {0},
        new double[] {0},
        new double[] {fixed.headRunSeconds()},
        new double[] {fixed.offloadSeconds()});
  }

  private List<CutLatency> summarize(CostTable table, List<Task> all) {
    int last = table.fullyLocalCut();
    double[] head = new double[last + 1];
    double[] total = new double[last + 1];
    for (int k = 0; k <= last; k++) {
      int cut = k;
      head[k] =
          CutLatency.quantile(
              all.stream()
                  .filter(t -> t.calibration() && t.cut() == cut)
                  .mapToDouble(Task::headSeconds)
                  .toArray(),
              0.5);
      total[k] =
          CutLatency.quantile(
              all.stream()
                  .filter(t -> t.calibration() && t.cut() == cut)
                  .mapToDouble(Task::totalSeconds)
                  .toArray(),
              0.5);
    }
    Calibration calibration = Calibration.fit(table, head, total);
    System.out.printf(
        Locale.ROOT,
        "latency: calibrated on %d tasks per cut (after the warm-up): delta_G %.3f ms, F_G %.3g"
            + " FLOP/s, delta_off %.3f ms, r %.3g bit/s, phi_A f %.3g FLOP/s (phi_A %.3g FLOP/cycle"
            + " at f = %.3g Hz)%n",
        calibrationTasks,
        calibration.deltaGateway() * 1e3,
        1 / calibration.gatewaySecondsPerFlop(),
        calibration.deltaOffload() * 1e3,
        1 / calibration.secondsPerBit(),
        1 / calibration.apSecondsPerFlop(),
        1 / calibration.apSecondsPerFlop() / share,
        share);
    List<CutLatency> cuts = new ArrayList<>();
    for (int k = 0; k <= last; k++) {
      int cut = k;
      List<Task> measured = all.stream().filter(t -> !t.calibration() && t.cut() == cut).toList();
      cuts.add(
          new CutLatency(
              k,
              measured.stream().mapToDouble(Task::totalSeconds).toArray(),
              measured.stream().mapToDouble(Task::predictedSeconds).toArray(),
              measured.stream().mapToDouble(Task::predictedMixedSeconds).toArray(),
              measured.stream().mapToDouble(Task::predictedLiveSeconds).toArray(),
              firstTask[k],
              calibration.latency(table, k)));
    }
    return cuts;
  }

  private static List<String> row(Task t) {
    return List.of(
        Integer.toString(t.cut()),
        Boolean.toString(t.calibration()),
        sci(t.headSeconds()),
        sci(t.offloadSeconds()),
        sci(t.apSeconds()),
        sci(t.totalSeconds()),
        sci(t.predictedSeconds()),
        sci(t.uplinkRate()),
        sci(t.predictedMixedSeconds()),
        sci(t.predictedLiveSeconds()),
        sci(t.liveUplinkRate()),
        sci(t.liveGatewayFlops()),
        sci(t.liveHeadRunSeconds()),
        sci(t.liveOffloadSeconds()));
  }

  private static String sci(double v) {
    return String.format(Locale.ROOT, "%.6g", v);
  }

  private static int freePort() throws java.io.IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
