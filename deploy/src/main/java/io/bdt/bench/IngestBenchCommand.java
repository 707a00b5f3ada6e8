package io.bdt.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.bdt.platform.FileTrees;
import io.bdt.platform.JvmOptions;
import io.bdt.platform.MqttBroker;
import io.bdt.platform.PlatformPki;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./bdt bench-ingest}: the gateway's telemetry ingest measured against the broker's own
 * delivery rate in the same run. The load comes from a separate publisher JVM pinned away from the
 * gateway with {@code taskset}; for each broker, transport and QoS the gateway and then a bare
 * subscriber consume the same telemetry topics with authentication and ACLs on. Keeps the raw
 * result (with commit, JDK, cores, load) in {@code bench-results/gateway-twin/}, from which {@code
 * ./bdt bench-tables} makes the tables of docs/benchmarks.md.
 */
@Command(
    name = "bench-ingest",
    mixinStandardHelpOptions = true,
    description = {
      "Measures the gateway's MQTT telemetry ingest: sustained msg/s and CPU time per message of"
          + " the gateway's threads, next to the broker's own rate to a bare subscriber in the same"
          + " run.",
      "The load is a separate publisher JVM (every device with its own credentials) pinned away"
          + " from the gateway with taskset; brokers: the embedded HiveMQ CE with the"
          + " device-identity extension, and a Mosquitto of its own (dynamic security plugin) on"
          + " free ports.",
      "Writes bench-results/gateway-twin/<time>-ingest.json; ./bdt bench-tables makes the tables."
    })
public final class IngestBenchCommand implements Callable<Integer> {
  /** The telemetry message each device sends (the old JMH benchmark's, about 50 bytes). */
  static final String PAYLOAD = "{\"temperature\":42.5,\"rpm\":1420,\"status\":\"ok\"}";

  @Spec CommandSpec spec;

  @Option(names = "--brokers", split = ",", description = "hivemq, mosquitto (default: both)")
  List<String> brokers = List.of("hivemq", "mosquitto");

  @Option(names = "--transport", split = ",", description = "plain, tls (default: both)")
  List<String> transports = List.of("plain", "tls");

  @Option(names = "--qos", split = ",", description = "0, 1 (default: both)")
  List<Integer> qos = List.of(0, 1);

  @Option(names = "--devices", description = "device connections (default: ${DEFAULT-VALUE})")
  int devices = 16;

  @Option(
      names = "--gateways",
      description = "gateways, the devices split evenly between them (default: ${DEFAULT-VALUE})")
  int gateways = 1;

  @Option(
      names = "--fleet",
      description =
          "the load is the fleet publisher (FleetPublisher: every device its own MQTT 3.1.1"
              + " connection with a persistent session, one selector thread; payloads carry a"
              + " sequence number and their send time, so twin-update latency is measured;"
              + " TLS through an SSLEngine per device). Without it: the Paho publisher"
              + " (IngestPublisher)")
  boolean fleet;

  @Option(
      names = "--qos1-rate",
      description =
          "offered msg/s at QoS 1, all devices together (default: ${DEFAULT-VALUE} = as fast as"
              + " the acknowledgements come back)")
  double rateQos1 = 0;

  @Option(
      names = "--device-inflight",
      description =
          "fleet: QoS 1 publishes a device may have unacknowledged (default: ${DEFAULT-VALUE})")
  int deviceInflight = 4;

  @Option(
      names = "--mosquitto-inflight",
      description =
          "Mosquitto's max_inflight_messages: QoS 1 messages it sends a client before that"
              + " client's acknowledgements (default: ${DEFAULT-VALUE}, Mosquitto's own)")
  int mosquittoInflight = 20;

  @Option(names = "--publisher-threads", description = "default: ${DEFAULT-VALUE}")
  int publisherThreads = 2;

  @Option(
      names = "--rate",
      description =
          "offered msg/s at QoS 0 (default: ${DEFAULT-VALUE}, above the 20,000 target; 0 = as fast"
              + " as the broker takes them, which overloads it: HiveMQ then drops QoS 0 messages);"
              + " QoS 1 is never paced (the acks are the flow control)")
  double rateQos0 = 25_000;

  @Option(names = "--warmup", description = "seconds before measuring (default: ${DEFAULT-VALUE})")
  double warmup = 3;

  @Option(
      names = "--seconds",
      description = "measured seconds per phase (default: ${DEFAULT-VALUE})")
  double seconds = 5;

  @Option(
      names = "--repeat",
      description = "runs of every configuration (default: ${DEFAULT-VALUE})")
  int repeat = 1;

  @Option(
      names = "--publisher-cpus",
      description =
          "taskset CPU list of the publisher JVM (default: the last CPU; none = no pinning)")
  String publisherCpus;

  @Option(
      names = "--gateway-cpus",
      description =
          "taskset CPU list of this JVM (gateway, embedded broker) and of Mosquitto"
              + " (default: every CPU but the publisher's)")
  String gatewayCpus;

  @Option(
      names = "--broker-cpus",
      description =
          "taskset CPU list of Mosquitto (default: the gateway's CPUs); e.g. the publisher's CPU,"
              + " so that the gateway has a core of its own")
  String brokerCpus;

  @Option(
      names = "--hivemq-persistence",
      description =
          "FILE (as ./bdt platform runs it) or IN_MEMORY: where the embedded broker keeps"
              + " sessions and queued messages (default: ${DEFAULT-VALUE})")
  MqttBroker.Persistence hivemqPersistence = MqttBroker.Persistence.FILE;

  @Option(names = "--out", description = "raw result folder (default: ${DEFAULT-VALUE})")
  Path out = Path.of("bench-results/gateway-twin");

  @Option(names = "--root", description = "repository root for the commit (default: .)")
  Path root = Path.of(".");

  @Option(
      names = "--smoke",
      description = "one short phase per configuration, nothing written, no figure judged (CI)")
  boolean smoke;

  private int hashIterations;

  @Override
  public Integer call() throws Exception {
    // the embedded HiveMQ needs Logback, and a Mosquitto configuration before it logs first
    MqttBroker.selectLogging();
    PrintStream progress = System.err;
    int cores = Runtime.getRuntime().availableProcessors();
    if (smoke) {
      warmup = 0.5;
      seconds = 1;
      repeat = 1;
    }
    if (brokers.contains("mosquitto") && !onPath("mosquitto")) {
      if (!smoke) {
        progress.println("bench-ingest: mosquitto is not installed (apt-get install mosquitto)");
        return 2;
      }
      progress.println("bench-ingest: no mosquitto here: smoke run of hivemq only");
      brokers = brokers.stream().filter(b -> !b.equals("mosquitto")).toList();
    }
    Map<String, Object> placement = pin(cores, progress);
    List<String> brokerLauncher = taskset((String) placement.get("brokerCpus"));
    List<String> publisherCmd = new ArrayList<>(taskset((String) placement.get("publisherCpus")));
    publisherCmd.add(ProcessHandle.current().info().command().orElse("java"));
    publisherCmd.addAll(JvmOptions.forThisJdk());
    publisherCmd.addAll(
        List.of(
            // a TLS device holds three record-sized buffers (about 50 KB): 500 MB for 10,000
            fleet ? (transports.contains("tls") ? "-Xmx2g" : "-Xmx1g") : "-Xmx512m",
            "-cp",
            System.getProperty("java.class.path"),
            (fleet ? FleetPublisher.class : IngestPublisher.class).getName()));
    var launch =
        new IngestPhase.Launch(
            publisherCmd,
            publisherThreads,
            PAYLOAD,
            smoke ? 2_000 : rateQos0,
            rateQos1,
            deviceInflight);

    List<Double> loadBefore = RunRecord.loadAverage();
    Path work = Files.createTempDirectory("bdt-bench-ingest");
    List<Map<String, Object>> results = new ArrayList<>();
    try {
      PlatformPki pki = PlatformPki.open(work.resolve("pki"), Clock.systemUTC());
      int total = repeat * brokers.size() * transports.size() * qos.size();
      int n = 0;
      for (int run = 1; run <= repeat; run++) {
        for (String broker : brokers) {
          for (String transport : transports) {
            for (int q : qos) {
              n++;
              boolean tls =
                  switch (transport) {
                    case "tls" -> true;
                    case "plain" -> false;
                    default ->
                        throw new IllegalArgumentException(
                            "--transport: plain or tls, got " + transport);
                  };
              String name = broker + " " + transport + " qos" + q;
              progress.printf(
                  Locale.ROOT,
                  "bench-ingest [%d/%d] %s, %d devices, %d gateway(s)%n",
                  n,
                  total,
                  name,
                  devices,
                  gateways);
              try (IngestRig rig =
                  new IngestRig(
                      broker,
                      tls,
                      q,
                      devices,
                      gateways,
                      mosquittoInflight,
                      work.resolve("run-" + n),
                      pki,
                      brokerLauncher,
                      hivemqPersistence)) {
                hashIterations = rig.hashIterations();
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("broker", broker);
                r.put("tls", tls);
                r.put("qos", q);
                r.put("run", run);
                for (IngestRig.Consumer c : IngestRig.Consumer.values()) {
                  String key = c == IngestRig.Consumer.GATEWAY ? "gateway" : "subscriber";
                  r.put(
                      key,
                      IngestPhase.run(
                          rig,
                          c,
                          launch,
                          millis(warmup),
                          millis(seconds),
                          progress,
                          name
                              + (c == IngestRig.Consumer.GATEWAY ? " gateway" : " bare subscriber"),
                          smoke));
                }
                results.add(r);
              }
            }
          }
        }
      }
    } finally {
      FileTrees.deleteTree(work);
    }
    List<Double> loadAfter = RunRecord.loadAverage();
    if (smoke) {
      progress.println(
          "bench-ingest: smoke run done (" + results.size() + " configurations), nothing kept");
      return 0;
    }
    Map<String, Object> raw = new LinkedHashMap<>();
    raw.put("kind", "ingest");
    raw.put("module", "gateway-twin");
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    raw.put("date", now.toString());
    raw.putAll(RunRecord.environment(root, cores));
    raw.put("loadAverageBefore", loadBefore);
    raw.put("loadAverageAfter", loadAfter);
    raw.put(
        "command",
        // the parse result's arguments start with the command's own name
        "./bdt " + String.join(" ", spec.commandLine().getParseResult().originalArgs()));
    raw.put("placement", placement);
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("devices", devices);
    settings.put("gateways", gateways);
    settings.put("publisher", fleet ? "FleetPublisher" : "IngestPublisher");
    settings.put("qos1OfferedRate", rateQos1);
    if (fleet) {
      settings.put("deviceInflight", deviceInflight);
      settings.put(
          "sessions", "persistent: clean session off, one client id per device kept across phases");
    }
    settings.put("deviceHashIterations", hashIterations);
    settings.put("mosquittoInflight", mosquittoInflight);
    settings.put("publisherThreads", publisherThreads);
    settings.put("payloadBytes", PAYLOAD.getBytes(StandardCharsets.UTF_8).length);
    settings.put("warmupSeconds", warmup);
    settings.put("hivemqPersistence", hivemqPersistence.name());
    settings.put("hivemqMaxQueuedMessages", MqttBroker.MAX_QUEUED_MESSAGES);
    settings.put("hivemqInflightWindow", MqttBroker.INFLIGHT_WINDOW);
    settings.put("measureSeconds", seconds);
    settings.put(
        "access",
        "every client authenticated (devices by their issued secret, the gateway and the bare"
            + " subscriber by the gateway's service password); ACLs on: a device publishes only on"
            + " its own telemetry topic. hivemq: the B-DT device-identity extension; mosquitto:"
            + " the dynamic security plugin (its file written before the start, one role per"
            + " client from TopicPolicy)");
    raw.put("settings", settings);
    raw.put("results", results);
    Path dir = root.resolve(out);
    Files.createDirectories(dir);
    Path file =
        dir.resolve(
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(now)
                + "-ingest.json");
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), raw);
    progress.println(
        "bench-ingest: raw result kept in " + file.normalize() + " (tables: ./bdt bench-tables)");
    return 0;
  }

  /**
   * Pins this JVM (gateway, embedded broker, bare subscriber) and decides the publisher's CPUs;
   * returns what was done, for the raw file. Without at least two CPUs, or where taskset is
   * refused, nothing is pinned and the record says why.
   */
  private Map<String, Object> pin(int cores, PrintStream progress) throws InterruptedException {
    Map<String, Object> p = new LinkedHashMap<>();
    String pub =
        publisherCpus != null ? publisherCpus : cores >= 2 ? Integer.toString(cores - 1) : "none";
    String gw =
        gatewayCpus != null
            ? gatewayCpus
            : cores >= 3 ? "0-" + (cores - 2) : cores == 2 ? "0" : "none";
    String broker = brokerCpus != null ? brokerCpus : gw;
    String note;
    if (pub.equals("none") || gw.equals("none")) {
      pub = "none";
      gw = "none";
      broker = "none";
      note = cores < 2 ? "one CPU: nothing pinned" : "pinning turned off (--publisher-cpus none)";
    } else if (!onPath("taskset")) {
      pub = "none";
      gw = "none";
      broker = "none";
      note = "taskset not installed: nothing pinned";
    } else {
      String refused =
          runQuietly(
              List.of(
                  "taskset", "-a", "-p", "-c", gw, Long.toString(ProcessHandle.current().pid())));
      if (refused == null) {
        note =
            "publisher JVM on CPUs "
                + pub
                + "; gateway JVM (with the embedded broker and the bare"
                + " subscriber) on CPUs "
                + gw
                + "; Mosquitto on CPUs "
                + broker;
      } else {
        note = "taskset refused (" + refused + "): nothing pinned";
        pub = "none";
        gw = "none";
        broker = "none";
      }
    }
    progress.println("bench-ingest: " + note);
    p.put("publisherCpus", pub);
    p.put("gatewayCpus", gw);
    p.put("brokerCpus", broker);
    p.put("note", note);
    return p;
  }

  private static List<String> taskset(String cpus) {
    return cpus.equals("none") ? List.of() : List.of("taskset", "-c", cpus);
  }

  private static long millis(double s) {
    return Math.round(s * 1000);
  }

  /** Null when {@code cmd} succeeded, else its output. */
  private static String runQuietly(List<String> cmd) throws InterruptedException {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? null : out;
    } catch (IOException e) {
      return e.getMessage();
    }
  }

  private static boolean onPath(String program) {
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    for (String d : path.split(":")) {
      if (Files.isExecutable(Path.of(d, program))) {
        return true;
      }
    }
    return false;
  }
}
