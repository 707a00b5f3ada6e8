package io.bdt.platform;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./bdt platform}: the whole platform on one machine with a live summary. */
@Command(
    name = "platform",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the whole platform on this machine: an embedded MQTT broker (unless --mqtt), three APs"
          + " whose chain nodes form one chain, three gateways, and a simulated fleet (by default"
          + " vibration sensors and MobileNetV2 cameras, --fleet); prints a live summary and the"
          + " API URLs. Ctrl-C stops everything.",
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

  @Mixin FleetOptions fleetOptions = FleetOptions.platform();

  @Mixin FleetChoice fleet = new FleetChoice();

  @Option(
      names = "--fault",
      description = "DEVICE=STATE injected from the start, e.g. vib-2=bearing_fault (repeatable)")
  Map<String, String> faults = new LinkedHashMap<>();

  @Option(
      names = "--duration",
      description = "stop after this many seconds (default: until Ctrl-C)")
  Long duration;

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
          {"--aps", "" + fleetOptions.aps},
          {"--gateways", "" + fleetOptions.gateways},
          {"--devices", "" + fleetOptions.devices}
        }) {
      if (Integer.parseInt(rule[1]) < 1) {
        System.err.println("platform: " + rule[0] + " must be >= 1, got " + rule[1]);
        return 2;
      }
    }
    FleetLayout layout;
    try {
      layout = fleet.layout(fleetOptions.gateways);
    } catch (IllegalArgumentException e) {
      System.err.println("platform: " + e.getMessage());
      return 2;
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
            new PlatformSettings(
                root,
                dir,
                fleetOptions.aps,
                fleetOptions.gateways,
                fleetOptions.devices,
                Optional.ofNullable(mqtt),
                Optional.ofNullable(kafkaServers),
                basePort,
                fleetOptions.periodMillis,
                gatewayFlops,
                faults,
                mqttPlainPort),
            System.out);
    platform.withFleet(layout);
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
          PlatformConsole.start(platform.fleet()::inject, null);
          return new PlatformSummary(platform, events)::line;
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
                repositoryRoot(),
                dir,
                fleetOptions.devices,
                fleetOptions.periodMillis,
                gatewayFlops,
                baseDifficulty,
                faults),
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
          PlatformConsole.start(platform.fleet()::inject, platform);
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
}
