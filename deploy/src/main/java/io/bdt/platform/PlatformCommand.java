package io.bdt.platform;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./bdt platform}: the whole platform on one machine with a live summary. */
@Command(
    name = "platform",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the whole platform on this machine: an embedded MQTT broker (unless --mqtt), three APs"
          + " whose chain nodes form one chain, two gateways, and a simulated fleet of vibration"
          + " sensors; prints a live summary and the API URLs. Ctrl-C stops everything.",
      "While it runs, type 'fault DEVICE STATE' (e.g. fault vib-2 bearing_fault) to inject a fault."
    })
public final class PlatformCommand implements Callable<Integer> {

  @Option(names = "--mqtt", description = "MQTT broker URL to use instead of the embedded one")
  String mqtt;

  @Option(
      names = "--mqtt-plain-port",
      defaultValue = "-1",
      description =
          "also open a plain-text MQTT listener on this loopback port (0 = any free port; default"
              + " none: TLS only)")
  int mqttPlainPort;

  @Option(
      names = "--kafka",
      description =
          "Kafka bootstrap servers for the gateways' events (default: an embedded Kafka, whose"
              + " address is printed)")
  String kafka;

  @Option(names = "--no-kafka", description = "run without the event stream")
  boolean noKafka;

  @Option(
      names = "--devices",
      defaultValue = "6",
      description = "sensors in the fleet (${DEFAULT-VALUE})")
  int devices;

  @Option(names = "--gateways", defaultValue = "2", description = "gateways (${DEFAULT-VALUE})")
  int gateways;

  @Option(names = "--aps", defaultValue = "3", description = "access points (${DEFAULT-VALUE})")
  int aps;

  @Option(
      names = "--fault",
      description = "DEVICE=STATE injected from the start, e.g. vib-2=bearing_fault (repeatable)")
  Map<String, String> faults = new LinkedHashMap<>();

  @Option(
      names = "--duration",
      description = "stop after this many seconds (default: until Ctrl-C)")
  Long duration;

  @Option(
      names = "--period-ms",
      defaultValue = "1000",
      description = "ms between a sensor's windows (${DEFAULT-VALUE})")
  long periodMillis;

  @Option(
      names = "--summary-s",
      defaultValue = "5",
      description = "seconds between summaries (${DEFAULT-VALUE})")
  long summarySeconds;

  @Option(
      names = "--base-port",
      defaultValue = "8080",
      description =
          "gateways listen on base+n, APs on base+10+m; a taken port falls back to a free one"
              + " (printed); 0 picks free ports (${DEFAULT-VALUE})")
  int basePort;

  @Option(
      names = "--gateway-flops",
      defaultValue = "5e6",
      description =
          "phi_G f_n^G of each gateway, FLOP/s (${DEFAULT-VALUE}: a constrained gateway, so that"
              + " offloading pays for the small vibration model)")
  double gatewayFlops;

  @Option(
      names = {"--data", "--work"},
      description =
          "data directory: chain, twins, devices, logs; a later run continues from it (default:"
              + " $BDT_DATA, else $XDG_DATA_HOME/bdt/platform, else ~/.local/share/bdt/platform)")
  Path data;

  @Option(names = "--fresh", description = "delete the data directory's contents and start over")
  boolean fresh;

  @Option(
      names = "--hosts",
      defaultValue = "local",
      description =
          "local: every service on this host's loopback (${DEFAULT-VALUE}); netns: the prod"
              + " overlay's services each on its own network-namespace host with the overlay's"
              + " environment (root only; a new network in --data, default a new temporary"
              + " directory; type 'cut HOST' / 'heal HOST' to take a host's link down and up)")
  String hosts;

  @Option(
      names = "--base-difficulty",
      defaultValue = "20000",
      description = "--hosts netns: the new network's base mining difficulty (${DEFAULT-VALUE})")
  long baseDifficulty;

  @Override
  public Integer call() throws Exception {
    if (hosts.equals("netns")) {
      return runOnNamespaceHosts();
    }
    if (!hosts.equals("local")) {
      System.err.println("platform: --hosts must be local or netns, got " + hosts);
      return 2;
    }
    for (String[] rule :
        new String[][] {
          {"--aps", "" + aps}, {"--gateways", "" + gateways}, {"--devices", "" + devices}
        }) {
      if (Integer.parseInt(rule[1]) < 1) {
        System.err.println("platform: " + rule[0] + " must be >= 1, got " + rule[1]);
        return 2;
      }
    }
    Path root = repositoryRoot();
    Path dir = DataDirectory.orDefault(data);
    try {
      dir = DataDirectory.open(dir, fresh).path();
    } catch (java.io.IOException e) {
      System.err.println("platform: " + e.getMessage());
      return 2;
    }
    boolean continuing = Files.exists(dir.resolve(DataDirectory.STATE_FILE));
    KafkaBroker embeddedKafka = null;
    String kafkaServers = kafka;
    if (kafkaServers == null && !noKafka) {
      System.out.println("platform: starting the embedded Kafka for the events");
      embeddedKafka = new KafkaBroker();
      kafkaServers = embeddedKafka.bootstrapServers();
    }
    KafkaBroker startedKafka = embeddedKafka;
    Platform platform =
        new Platform(
            new Platform.Settings(
                root,
                dir,
                aps,
                gateways,
                devices,
                Optional.ofNullable(mqtt),
                Optional.ofNullable(kafkaServers),
                basePort,
                periodMillis,
                gatewayFlops,
                faults,
                mqttPlainPort),
            System.out);
    EventCounter events = kafkaServers == null ? null : new EventCounter(kafkaServers);
    Path bootstrapFile = dir.resolve(EventsCommand.BOOTSTRAP_FILE);
    Runnable shutdown =
        () -> {
          if (events != null) {
            events.close();
          }
          closeQuietly(platform);
          if (startedKafka != null) {
            startedKafka.close();
            try {
              Files.deleteIfExists(bootstrapFile);
            } catch (java.io.IOException e) {
              // a stale file only makes ./bdt events fail to connect, with the address it tried
            }
          }
        };
    Path workDir = dir;
    String servers = kafkaServers;
    return runUntilStopped(
        () -> {
          System.out.println(
              "platform: "
                  + (continuing ? "continuing from " : "starting in ")
                  + workDir
                  + " (logs in "
                  + workDir.resolve("logs")
                  + "; kept for the next run, --fresh starts over)");
          platform.start();
          if (startedKafka != null) {
            // written once this run holds the data directory's lock, for ./bdt events
            Files.writeString(bootstrapFile, servers + System.lineSeparator());
          }
          System.out.println("platform: up. APIs:");
          platform.urls().forEach((k, v) -> System.out.printf("  %-6s %s%n", k, v));
          if (servers != null) {
            System.out.printf(
                "  %-6s %s  (CloudEvents on bdt.twin-events, bdt.inference-results; watch: ./bdt events"
                    + " --follow%s)%n",
                "kafka",
                servers + (startedKafka != null ? " (embedded Kafka 4)" : ""),
                startedKafka != null ? "" : " --bootstrap " + servers);
          }
          System.out.println(
              "platform: admin token (every role, valid "
                  + Platform.ADMIN_TOKEN_TTL.toHours()
                  + " h; send as 'Authorization: Bearer TOKEN'):");
          System.out.println("  " + platform.adminToken());
          System.out.println(
              "platform: more tokens: ./bdt token"
                  + (data == null ? "" : " --data " + workDir)
                  + " --role twin-reader --subject NAME [--ttl PT8H]");
          startConsole(platform.fleet(), null);
          return new Summary(platform, events)::line;
        },
        shutdown);
  }

  /**
   * Runs {@code start}, then prints the summary line it returns (given the seconds since) every
   * {@code --summary-s} until Ctrl-C or {@code --duration}; {@code shutdown} runs once either way,
   * also when {@code start} fails.
   */
  private int runUntilStopped(Callable<DoubleFunction<String>> start, Runnable shutdown)
      throws InterruptedException {
    CountDownLatch stop = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              stop.countDown();
              shutdown.run();
            });
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      DoubleFunction<String> summary = start.call();
      long started = System.nanoTime();
      while (!stop.await(summarySeconds, TimeUnit.SECONDS)) {
        double elapsed = (System.nanoTime() - started) / 1e9;
        System.out.println(summary.apply(elapsed));
        if (duration != null && elapsed >= duration) {
          break;
        }
      }
      return 0;
    } catch (Exception e) {
      System.err.println("platform: " + e.getMessage());
      return 1;
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
        shutdown.run();
      } catch (IllegalStateException shuttingDown) {
        // the hook closes it
      }
    }
  }

  /** {@code --hosts netns}: the prod overlay on namespace hosts until Ctrl-C or --duration. */
  private int runOnNamespaceHosts() throws Exception {
    if (!io.bdt.platform.netns.NetnsHosts.available()) {
      System.err.println(
          "platform: --hosts netns needs root and iproute2 (ip netns add failed); run it as root");
      return 2;
    }
    Path dir =
        data != null
            ? Files.createDirectories(data)
            : Files.createTempDirectory("bdt-netns-platform");
    boolean used;
    try (var entries = Files.list(dir)) {
      used = entries.findAny().isPresent();
    }
    if (used) {
      System.err.println(
          "platform: --hosts netns makes a new network and needs an empty --data directory: "
              + dir);
      return 2;
    }
    NetnsPlatform platform =
        new NetnsPlatform(
            new NetnsPlatform.Settings(
                repositoryRoot(), dir, devices, periodMillis, gatewayFlops, baseDifficulty, faults),
            System.out);
    return runUntilStopped(
        () -> {
          System.out.println(
              "platform: the prod overlay on network-namespace hosts; files and logs in " + dir);
          platform.start();
          System.out.println("platform: up. APIs (from this host, by address):");
          platform.urls().forEach((k, v) -> System.out.printf("  %-18s %s%n", k, v));
          System.out.println("platform: admin token (every role, 12 h):");
          System.out.println("  " + platform.adminToken());
          startConsole(platform.fleet(), platform);
          return elapsed -> String.format("[%4.0f s] %s", elapsed, platform.summary());
        },
        () -> closeQuietly(platform));
  }

  /**
   * The checkout the services' builds are in: {@code -Dbdt.root}, else the root of the {@code
   * deploy/target/bdt.jar} this runs from, else the working directory.
   */
  static Path repositoryRoot() {
    String given = System.getProperty("bdt.root");
    if (given != null) {
      return Path.of(given).toAbsolutePath().normalize();
    }
    try {
      Path jar =
          Path.of(
              PlatformCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (jar.endsWith(Path.of("deploy", "target", "bdt.jar"))) {
        return jar.getParent().getParent().getParent();
      }
    } catch (java.net.URISyntaxException | RuntimeException e) {
      // fall back to the working directory
    }
    return Path.of("").toAbsolutePath();
  }

  private static void closeQuietly(AutoCloseable platform) {
    try {
      platform.close();
    } catch (Exception e) {
      System.err.println("platform: while stopping: " + e.getMessage());
    }
  }

  /**
   * Reads the console: {@code fault DEVICE STATE} sets a sensor's state in {@code fleet}; with
   * namespace {@code hosts} (null without), {@code cut HOST} and {@code heal HOST} take a host's
   * link down and up.
   */
  private static void startConsole(SensorFleet fleet, NetnsPlatform hosts) {
    String help =
        "platform: commands: fault DEVICE STATE" + (hosts == null ? "" : ", cut HOST, heal HOST");
    Thread.ofPlatform()
        .daemon()
        .name("platform-console")
        .start(
            () -> {
              BufferedReader in =
                  new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
              try {
                for (String line; (line = in.readLine()) != null; ) {
                  String[] w = line.trim().split("\\s+");
                  try {
                    if (w.length == 3 && w[0].equals("fault")) {
                      fleet.inject(w[1], w[2]);
                      System.out.println("platform: " + w[1] + " is now " + w[2]);
                    } else if (hosts != null && w.length == 2 && w[0].equals("cut")) {
                      hosts.cut(w[1]);
                      System.out.println("platform: " + w[1] + "'s link is down");
                    } else if (hosts != null && w.length == 2 && w[0].equals("heal")) {
                      hosts.heal(w[1]);
                      System.out.println("platform: " + w[1] + "'s link is up");
                    } else if (!line.isBlank()) {
                      System.out.println(help);
                    }
                  } catch (IllegalArgumentException | java.io.IOException e) {
                    System.out.println("platform: " + e.getMessage());
                  }
                }
              } catch (java.io.IOException e) {
                // no console
              }
            });
  }

  /** Turns successive AP snapshots into one summary line with rates. */
  static final class Summary {
    private final Platform platform;
    private long lastPublished;
    private final Map<String, Long> lastSlot = new java.util.HashMap<>();
    private long lastNanos = System.nanoTime();
    private final EventCounter events;
    private long lastEvents;

    /** {@code events} counts the platform's CloudEvents; null without Kafka. */
    Summary(Platform platform, EventCounter events) {
      this.platform = platform;
      this.events = events;
    }

    String line(double elapsed) {
      long now = System.nanoTime();
      double dt = Math.max(1e-3, (now - lastNanos) / 1e9);
      lastNanos = now;
      long published = platform.fleet().published();
      long height = 0;
      StringBuilder reputations = new StringBuilder();
      for (Platform.ApSnapshot s : platform.apStatus()) {
        JsonNode st = s.status();
        if (st == null) {
          reputations.append(' ').append(s.name()).append(" down");
          continue;
        }
        height = Math.max(height, st.path("blockHeight").asLong());
        reputations.append(
            String.format(Locale.ROOT, " %s %.3f", s.name(), st.path("reputation").asDouble()));
      }
      // each twin's health holds its latest task: cut, slot, measured and predicted latency
      Map<Integer, Long> cuts = new TreeMap<>();
      double measured = 0;
      double predicted = 0;
      int twins = 0;
      long tasks = 0;
      for (ServiceProcess gw : platform.gatewayProcesses()) {
        JsonNode all = platform.getJson(gw.baseUrl() + "/twins");
        if (all == null) {
          continue;
        }
        for (JsonNode twin : all) {
          JsonNode health = twin.at("/features/health/properties");
          if (health.isMissingNode()) {
            continue;
          }
          String id = twin.path("thingId").asText();
          long slot = health.path("slot").asLong();
          Long seen = lastSlot.put(id, slot);
          tasks += seen == null ? 0 : Math.max(0, slot - seen);
          cuts.merge(health.path("cut").asInt(), 1L, Long::sum);
          measured += health.path("measuredLatency").asDouble();
          predicted += health.path("predictedLatency").asDouble();
          twins++;
        }
      }
      String line =
          String.format(
              Locale.ROOT,
              "[%4.0f s] devices %d | msgs/s %.1f | inferences/s %.1f | events/s %s | cuts %s |"
                  + " latency %s | block %d | reputation%s",
              elapsed,
              platform.fleet().devices().size(),
              (published - lastPublished) / dt,
              tasks / dt,
              events == null
                  ? "-"
                  : String.format(Locale.ROOT, "%.1f", (events.count() - lastEvents) / dt),
              cuts.isEmpty() ? "-" : cuts.toString(),
              twins == 0
                  ? "-"
                  : String.format(
                      Locale.ROOT,
                      "%.2f ms (predicted %.2f ms)",
                      measured / twins * 1000,
                      predicted / twins * 1000),
              height,
              reputations);
      lastPublished = published;
      lastEvents = events == null ? 0 : events.count();
      return line;
    }
  }
}
