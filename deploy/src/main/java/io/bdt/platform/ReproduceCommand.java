package io.bdt.platform;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bdt.ap.chain.PlatformChain;
import io.bdt.optimizer.sim.Algorithms;
import io.bdt.parameters.ChainParameters;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./bdt reproduce --live}: the paper's comparison on the running platform. The same seeded
 * fleet runs under DPRA and each baseline in turn, each on a new chain, with the APs' slot
 * coordinator deciding by the named policy; writes {@code live-summary.json} and charts.
 */
@Command(
    name = "reproduce",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the live platform (3 APs, 3 gateways, the seeded mixed fleet of ./bdt platform) under"
          + " DPRA and each baseline back to back, each on a new chain with the slot coordinator deciding by"
          + " that policy, and writes OUT/live-summary.json and charts (docs/reproduction.md).",
      "The simulated reproduction is ./bdt simulate."
    })
public final class ReproduceCommand implements Callable<Integer> {

  @Option(
      names = "--live",
      description = "run on the live platform (required: the simulated one is ./bdt simulate)")
  boolean live;

  @Option(
      names = "--duration",
      defaultValue = "60",
      description = "measured seconds per algorithm, after the warm-up (${DEFAULT-VALUE})")
  long duration;

  @Option(
      names = "--warm-up",
      defaultValue = "15",
      description =
          "seconds per algorithm after the platform is up that are not measured: latency, tasks"
              + " and the time-average reputation start after it (${DEFAULT-VALUE})")
  long warmUp;

  @Option(names = "--out", required = true, description = "where live-summary.json goes")
  Path out;

  @Option(
      names = "--algorithms",
      split = ",",
      description = "which, in order (default all: DPRA and the six baselines)")
  List<String> algorithms = new ArrayList<>(Algorithms.NAMES);

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "seed of the RANDOM policy (${DEFAULT-VALUE}); the fleet's seed is fixed")
  long seed;

  @Mixin FleetOptions fleetOptions = FleetOptions.platform();

  @Mixin FleetChoice fleet = new FleetChoice();

  @Option(
      names = "--gateway-flops",
      defaultValue = "5e6",
      description =
          "phi_G f_n^G of a vibration gateway before it measures, FLOP/s (${DEFAULT-VALUE}, as"
              + " ./bdt platform; a camera gateway's is its compute class's)")
  double gatewayFlops;

  @Option(
      names = "--data",
      description =
          "directory for the runs' data directories (one new one per algorithm, kept); default a"
              + " temporary directory, deleted at the end")
  Path data;

  @Override
  public Integer call() throws Exception {
    if (!live) {
      System.err.println(
          "reproduce: only --live is built here; the simulated reproduction is ./bdt simulate");
      return 2;
    }
    for (String name : algorithms) {
      if (!Algorithms.NAMES.contains(name)) {
        System.err.println(
            "reproduce: unknown algorithm '"
                + name
                + "'; one of "
                + String.join(", ", Algorithms.NAMES));
        return 2;
      }
    }
    if (duration < 1
        || warmUp < 0
        || fleetOptions.aps < 1
        || fleetOptions.gateways < 1
        || fleetOptions.devices < 1) {
      System.err.println(
          "reproduce: --duration must be >= 1, --warm-up >= 0, --aps, --gateways, --devices >= 1");
      return 2;
    }
    FleetLayout layout;
    try {
      layout = fleet.layout(fleetOptions.gateways);
    } catch (IllegalArgumentException e) {
      System.err.println("reproduce: " + e.getMessage());
      return 2;
    }
    Path root = PlatformCommand.repositoryRoot();
    boolean temporary = data == null;
    Path runs = temporary ? Files.createTempDirectory("bdt-reproduce-") : data;
    Files.createDirectories(out);
    ChainParameters parameters = PlatformChain.PARAMETERS;
    ObjectNode header = header(parameters, layout);
    List<LiveSummary.Entry> entries = new ArrayList<>();
    try {
      for (String name : algorithms) {
        Path work = runs.resolve(name);
        if (Files.exists(work)) {
          System.err.println("reproduce: " + work + " exists; every run needs a new chain");
          return 2;
        }
        System.out.printf(
            "reproduce: %s on a new chain in %s (%d s warm-up, %d s measured)%n",
            name, work, warmUp, duration);
        PlatformSettings settings =
            new PlatformSettings(
                root,
                work,
                fleetOptions.aps,
                fleetOptions.gateways,
                fleetOptions.devices,
                Optional.empty(),
                Optional.empty(),
                0,
                fleetOptions.periodMillis,
                gatewayFlops,
                Map.of(),
                Platform.NO_PLAIN_MQTT);
        LiveRun.Result run =
            LiveRun.run(
                settings,
                layout,
                name,
                seed,
                Duration.ofSeconds(warmUp),
                Duration.ofSeconds(duration),
                System.out);
        LiveSummary.Entry entry =
            LiveSummary.Entry.of(run, warmUp, parameters.rMin(), loadAverage());
        entries.add(entry);
        System.out.println("reproduce: " + line(entry, parameters.rMin()));
        header.put("finished", Instant.now().toString());
        LiveSummary.write(out, header, entries, parameters.rMin(), warmUp);
      }
    } finally {
      if (temporary) {
        try {
          FileTrees.deleteTree(runs);
        } catch (IOException e) {
          // the runs are measured and written: a temporary directory left behind is only said
          System.err.println("reproduce: could not delete " + runs + ": " + e);
        }
      }
    }
    System.out.println("reproduce: wrote " + out.resolve(LiveSummary.FILE) + " and its charts");
    return 0;
  }

  private ObjectNode header(ChainParameters parameters, FleetLayout layout) {
    ObjectNode h = JsonNodeFactory.instance.objectNode();
    h.put(
        "command",
        String.format(
            Locale.ROOT,
            "./bdt reproduce --live --duration %d --warm-up %d --out %s --algorithms %s --seed %d"
                + " --fleet %s --devices %d --gateways %d --aps %d --period-ms %d --gateway-flops %s",
            duration,
            warmUp,
            out,
            String.join(",", algorithms),
            seed,
            fleet.fleet,
            fleetOptions.devices,
            fleetOptions.gateways,
            fleetOptions.aps,
            fleetOptions.periodMillis,
            gatewayFlops));
    h.put("started", Instant.now().toString());
    ObjectNode machine = h.putObject("machine");
    machine.put("cores", Runtime.getRuntime().availableProcessors());
    machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    machine.put("java", System.getProperty("java.version"));
    machine.put("loadAverageAtStart", loadAverage());
    h.put("durationSeconds", duration);
    h.put("warmUpSeconds", warmUp);
    ObjectNode f = h.putObject("fleet");
    f.put("layout", fleet.fleet);
    f.put("devices", fleetOptions.devices);
    f.put("gateways", fleetOptions.gateways);
    f.put("aps", fleetOptions.aps);
    f.put("periodMillis", fleetOptions.periodMillis);
    f.put("vibrationGatewayFlopsPerSecond", gatewayFlops);
    f.put("seed", SensorFleet.SEED);
    f.put("policySeed", seed);
    var perGateway = f.putArray("perGateway");
    for (int n = 0; n < layout.gateways().size(); n++) {
      FleetLayout.Gateway g = layout.gateways().get(n);
      ObjectNode gw = perGateway.addObject();
      gw.put("name", "gw" + (n + 1));
      gw.put("model", g.devices().model());
      gw.put("computeScale", g.computeScale());
      gw.put("configuredFlopsPerSecond", layout.gatewayFlops(n, gatewayFlops));
    }
    ObjectNode p = h.putObject("parameters");
    p.put("baseDifficulty", parameters.baseDifficulty());
    p.put("eta", parameters.eta());
    p.put("omega", parameters.omega());
    p.put("rMin", parameters.rMin());
    p.put("slotSeconds", parameters.slotSeconds());
    p.put("apBudgetHz", parameters.apBudgetHz());
    return h;
  }

  /** The console line of one run. */
  static String line(LiveSummary.Entry e, double rMin) {
    GatewayMetrics t = e.run().tasks();
    StringBuilder r = new StringBuilder();
    for (double v : e.apReputation()) {
      r.append(String.format(Locale.ROOT, " %.3f", v));
    }
    return String.format(
        Locale.ROOT,
        "%s: %d tasks, measured %.2f ms, predicted %.2f ms per task, cuts %s, time-average R_m%s"
            + " (R_min %.2f %s), slots coordinated %d / local %d, D^C %.3f s (%d blocks),"
            + " up in %.0f s",
        e.run().policy(),
        t.measuredTasks(),
        t.meanMeasuredSeconds() * 1000,
        t.meanPredictedSeconds() * 1000,
        e.run().cutsByModel(),
        r,
        rMin,
        e.constraintSatisfied() ? "kept" : "missed",
        t.coordinatedSlots(),
        t.localSlots(),
        e.run().meanBlockIntervalSeconds(),
        e.run().blocks(),
        e.run().startSeconds());
  }

  private static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }
}
