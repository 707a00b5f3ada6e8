package io.bdt.platform;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A soak run: the whole platform ({@link Platform}: APs with their chain nodes, gateways, the
 * embedded MQTT broker, the sensor fleet at QoS 1) and a Kafka behind a cuttable relay, under a
 * schedule of faults ({@link SoakFaults}); progress printed while it runs; at the end the loss
 * counted ({@link SoakTally}) and the report written ({@link SoakReport}).
 */
final class Soak {

  /**
   * What to run.
   *
   * @param warmup load before the first fault
   * @param every time between the starts of two faults
   * @param quiet load after the last fault's start, before the run ends
   */
  record Settings(
      Path root,
      Path out,
      Duration duration,
      List<SoakFaults.Kind> kinds,
      Duration warmup,
      Duration every,
      Duration quiet,
      Duration brokerDown,
      Duration kafkaDown,
      int aps,
      int gateways,
      int devices,
      long periodMillis,
      int deviceReconnectMaxSeconds,
      Duration progress) {}

  /** A progress sample: seconds since the load started and the counts then. */
  record Sample(double t, long sent, long inTwins, long events, long publishFailures) {}

  /** How long the twins, results and outboxes may take to catch up once the fleet stops. */
  static final Duration DRAIN_LIMIT = Duration.ofSeconds(180);

  private final Settings settings;
  private final PrintStream out;
  private final List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
  private volatile String current = "";

  /** Per device: the latest {@code seq} its twin showed (kept while its gateway is down). */
  private final Map<String, Long> seen = new java.util.concurrent.ConcurrentHashMap<>();

  private long started;

  Soak(Settings settings, PrintStream out) {
    this.settings = settings;
    this.out = out;
  }

  /** Runs the soak and writes its report; returns the report. */
  SoakReport run() throws Exception {
    Instant startedAt = Instant.now();
    String loadBefore = SoakReport.loadAverage();
    Path work = settings.out().resolve("platform");
    DataDirectory.open(work, true);
    List<SoakFaults.Fault> faults = new ArrayList<>();
    SoakTally tally = new SoakTally();
    SoakAnchors.Totals anchors;
    double ran;
    try (KafkaBroker kafka = KafkaBroker.cuttable()) {
      Platform platform =
          new Platform(
                  new PlatformSettings(
                      settings.root(),
                      work,
                      settings.aps(),
                      settings.gateways(),
                      settings.devices(),
                      Optional.empty(),
                      Optional.of(kafka.bootstrapServers()),
                      0,
                      settings.periodMillis(),
                      5e6,
                      Map.of()),
                  out)
              .withGatewaySettings(
                  Map.of(
                      "bdt.gateway.twin.history-per-twin",
                      Integer.toString(SoakTally.HISTORY),
                      "bdt.gateway.twin.history-max-age",
                      "P365D"))
              .withFleetReconnectMaxDelay(settings.deviceReconnectMaxSeconds());
      SensorFleet fleet;
      try (platform;
          EventCounter events = new EventCounter(kafka.bootstrapServers())) {
        platform.start();
        fleet = platform.fleet();
        started = System.nanoTime();
        out.printf(
            "soak: load started (%d devices, one window each every %d ms, QoS 1); faults %s from"
                + " %d s, one every %d s, none in the last %d s of %d s%n",
            settings.devices(),
            settings.periodMillis(),
            settings.kinds().stream().map(SoakFaults.Kind::label).toList(),
            settings.warmup().toSeconds(),
            settings.every().toSeconds(),
            settings.quiet().toSeconds(),
            settings.duration().toSeconds());
        SoakFaults injector =
            new SoakFaults(platform, kafka, settings.brokerDown(), settings.kafkaDown());
        Thread progress =
            Thread.ofPlatform()
                .daemon()
                .name("soak-progress")
                .start(() -> report(platform, events));
        try {
          schedule(injector, faults);
          sleepUntil(settings.duration().toNanos());
          ran = elapsed();
          current = " [draining]";
          fleet.close();
          drain(platform, injector);
          anchors = anchors(platform, work);
        } finally {
          progress.interrupt();
          progress.join(10_000);
        }
        samples.add(sample(platform, events));
      }
      out.println("soak: platform stopped; counting");
      Set<String> kafkaEvents = new HashSet<>();
      try (EventTail tail = new EventTail(kafka.bootstrapServers(), List.of("io.bdt.twin"))) {
        tail.stored(e -> kafkaEvents.add(eventKey(e)), () -> false);
      }
      for (String gw : gatewayIds(fleet)) {
        tally.count(
            work.resolve(gw).resolve("twins"),
            fleet.devices().stream().filter(d -> d.gatewayId().equals(gw)).toList(),
            fleet,
            kafkaEvents,
            "bdt");
      }
      SoakReport report =
          new SoakReport(
              startedAt,
              ran,
              settings,
              faults,
              tally.totals(),
              anchors,
              fleet.failed(),
              List.copyOf(samples),
              loadBefore,
              SoakReport.loadAverage());
      report.write(settings.out());
      return report;
    }
  }

  /** {@code subject@revision} of a twin CloudEvent. */
  private static String eventKey(JsonNode event) {
    JsonNode data = event.path("data");
    JsonNode revision = data.path("twin").path("revision");
    if (revision.isMissingNode()) {
      revision = data.path("revision");
    }
    return event.path("subject").asText() + "@" + revision.asLong();
  }

  private static List<String> gatewayIds(SensorFleet fleet) {
    return fleet.devices().stream().map(SensorFleet.Device::gatewayId).distinct().toList();
  }

  /** Injects the schedule's faults until the quiet tail begins. */
  private void schedule(SoakFaults injector, List<SoakFaults.Fault> faults)
      throws IOException, InterruptedException {
    long next = settings.warmup().toNanos();
    long last = settings.duration().minus(settings.quiet()).toNanos();
    for (int i = 0; next <= last && !settings.kinds().isEmpty(); i++) {
      sleepUntil(next);
      SoakFaults.Kind kind = settings.kinds().get(i % settings.kinds().size());
      double at = elapsed();
      current = " [fault: " + kind.label() + "]";
      out.printf("soak: %s %s%n", clock(at), kind.label());
      SoakFaults.Fault f;
      try {
        f = injector.inject(kind, at);
      } catch (IOException | RuntimeException e) {
        // the run goes on: the report says this fault did not recover, and why
        f = new SoakFaults.Fault(kind.label(), "?", at, 0, -1, "the fault failed: " + e);
      }
      faults.add(f);
      current = "";
      out.printf(
          "soak: %s %s of %s: down %.1f s, %s after %.1f s%n",
          clock(elapsed()),
          f.kind(),
          f.target(),
          f.downSeconds(),
          f.recoveredAfterSeconds() < 0 ? "NOT RECOVERED: " + f.recovered() : f.recovered(),
          f.recoveredAfterSeconds());
      next =
          Math.max(next + settings.every().toNanos(), (long) (elapsed() * 1e9) + 10_000_000_000L);
    }
  }

  /**
   * Waits until every device twin holds the last window the broker acked and its result, and every
   * gateway's outbox has delivered; says what did not within {@link #DRAIN_LIMIT}.
   */
  private void drain(Platform platform, SoakFaults injector) throws InterruptedException {
    SensorFleet fleet = platform.fleet();
    long end = System.nanoTime() + DRAIN_LIMIT.toNanos();
    List<String> behind = List.of("?");
    while (System.nanoTime() < end && !behind.isEmpty()) {
      behind = new ArrayList<>();
      for (SensorFleet.Device d : fleet.devices()) {
        Map.Entry<Long, Long> last = fleet.acked(d.id()).lastEntry();
        if (last == null) {
          continue;
        }
        JsonNode twin = twin(platform, d);
        long seq = telemetry(twin).path("seq").asLong(-1);
        String closed = health(twin).path("windowClosedAt").asText("");
        if (seq < last.getKey()) {
          behind.add(d.id() + " telemetry");
        } else if (!closed.equals(Instant.ofEpochMilli(last.getValue()).toString())) {
          behind.add(d.id() + " result");
        }
      }
      for (ServiceProcess gw : platform.gatewayProcesses()) {
        if (injector.metric(gw, "bdt_kafka_outbox_backlog") != 0) {
          behind.add(gw.name() + " outbox");
        }
        if (injector.metric(gw, "bdt_chain_outbox_pending") != 0) {
          behind.add(gw.name() + " chain outbox");
        }
      }
      Thread.sleep(500);
    }
    out.println(
        behind.isEmpty()
            ? "soak: drained: every twin holds its last window and result, every outbox (Kafka,"
                + " chain) is empty"
            : "soak: still behind after " + DRAIN_LIMIT.toSeconds() + " s: " + behind);
  }

  /**
   * Counts the gateways' anchors against TwinAnchor (read at ap0's node) once the journals hold
   * still across the count and the count is exactly-once, or after {@link #ANCHOR_ATTEMPTS}: a
   * block may not have reached ap0's node yet, and a last batch may be anchored meanwhile.
   */
  private SoakAnchors.Totals anchors(Platform platform, Path work) throws InterruptedException {
    List<String> ids = new ArrayList<>();
    Map<String, String> addresses = new java.util.HashMap<>();
    for (int n = 0; n < platform.gatewayProcesses().size(); n++) {
      String id = platform.gatewayProcesses().get(n).name();
      ids.add(id);
      addresses.put(id, platform.keys().gateway(n).getAddress());
    }
    SoakAnchors.Totals totals = SoakAnchors.Totals.NONE;
    for (int attempt = 1; attempt <= ANCHOR_ATTEMPTS; attempt++) {
      try {
        Map<String, List<String>> before = SoakAnchors.journals(work, ids);
        totals =
            SoakAnchors.count(
                work, ids, addresses, platform.rpcPort(0), platform.contracts().twinAnchor());
        if (before.equals(SoakAnchors.journals(work, ids)) && totals.exactlyOnce()) {
          break;
        }
      } catch (Exception e) {
        out.println("soak: counting anchors failed (" + e + "), again");
      }
      Thread.sleep(3_000);
    }
    out.printf(
        "soak: anchors emitted %d, on chain %d, missing %d, duplicated %d, unknown %d%n",
        totals.emitted(),
        totals.onChain(),
        totals.missing(),
        totals.duplicated(),
        totals.unknown());
    return totals;
  }

  /** How often the anchors are counted before the count stands. */
  private static final int ANCHOR_ATTEMPTS = 10;

  private JsonNode twin(Platform platform, SensorFleet.Device d) {
    for (ServiceProcess gw : platform.gatewayProcesses()) {
      if (gw.name().equals(d.gatewayId())) {
        JsonNode t = platform.getJson(gw.baseUrl() + "/twins/bdt:" + d.id());
        return t == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : t;
      }
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  private static JsonNode telemetry(JsonNode twin) {
    return twin.path("features").path("telemetry").path("properties");
  }

  private static JsonNode health(JsonNode twin) {
    return twin.path("features").path("health").path("properties");
  }

  /** Prints a progress line and keeps a sample every {@code progress} until interrupted. */
  private void report(Platform platform, EventCounter events) {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        Thread.sleep(settings.progress().toMillis());
        Sample s = sample(platform, events);
        samples.add(s);
        out.printf(
            "soak: %s  sent %d  in twins %d  events %d  publish retries %d%s%n",
            clock(s.t()), s.sent(), s.inTwins(), s.events(), s.publishFailures(), current);
      }
    } catch (InterruptedException e) {
      // the run is over
    }
  }

  /** Counts now: windows acked, the twins' latest {@code seq} summed, events read from Kafka. */
  private Sample sample(Platform platform, EventCounter events) {
    SensorFleet fleet = platform.fleet();
    long sent = 0;
    long inTwins = 0;
    for (SensorFleet.Device d : fleet.devices()) {
      sent += fleet.acked(d.id()).size();
      long seq = telemetry(twin(platform, d)).path("seq").asLong(0);
      inTwins += seen.merge(d.id(), seq, Math::max);
    }
    return new Sample(elapsed(), sent, inTwins, events.count(), fleet.failed());
  }

  private double elapsed() {
    return Math.round((System.nanoTime() - started) / 1e7) / 100.0;
  }

  private void sleepUntil(long nanosSinceStart) throws InterruptedException {
    long wait = started + nanosSinceStart - System.nanoTime();
    if (wait > 0) {
      Thread.sleep(Duration.ofNanos(wait));
    }
  }

  static String clock(double seconds) {
    long s = (long) seconds;
    return String.format("%02d:%02d", s / 60, s % 60);
  }
}
