package io.bdt.platform;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * A soak run's result: {@code soak-report.json} (the faults, with when and how long recovery took,
 * and the loss totals) and {@code soak.html} (a chart of the run: windows sent and in twins per
 * second, the faults marked).
 */
record SoakReport(
    Instant startedAt,
    double ranSeconds,
    Soak.Settings settings,
    List<SoakFaults.Fault> faults,
    SoakTally.Totals totals,
    SoakAnchors.Totals anchors,
    long publishRetries,
    List<Soak.Sample> samples,
    String loadBefore,
    String loadAfter) {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Whether nothing was lost, and every anchor is on chain exactly once. */
  boolean lossless() {
    return totals.telemetryLost() == 0
        && totals.eventsLost() == 0
        && totals.tasksLost() == 0
        && anchors.exactlyOnce();
  }

  ObjectNode toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("startedAt", startedAt.toString());
    root.put("durationSeconds", ranSeconds);
    root.put("machine", machine());
    root.put("loadAverageBefore", loadBefore);
    root.put("loadAverageAfter", loadAfter);
    ObjectNode p = root.putObject("platform");
    p.put("aps", settings.aps());
    p.put("gateways", settings.gateways());
    p.put("devices", settings.devices());
    p.put("windowPeriodMillis", settings.periodMillis());
    p.put("qos", 1);
    p.put("brokerDownSeconds", settings.brokerDown().toMillis() / 1000.0);
    p.put("kafkaDownSeconds", settings.kafkaDown().toMillis() / 1000.0);
    ArrayNode f = root.putArray("faults");
    for (SoakFaults.Fault fault : faults) {
      ObjectNode n = f.addObject();
      n.put("kind", fault.kind());
      n.put("target", fault.target());
      n.put("at", fault.at());
      n.put("downSeconds", fault.downSeconds());
      n.put("recoveredAfterSeconds", fault.recoveredAfterSeconds());
      n.put("recovered", fault.recovered());
    }
    ObjectNode t = root.putObject("totals");
    t.put("telemetrySent", totals.telemetrySent());
    t.put("telemetryInTwins", totals.telemetryInTwins());
    t.put("telemetryLost", totals.telemetryLost());
    t.put("telemetryDuplicates", totals.telemetryDuplicates());
    t.put("twinEvents", totals.twinEvents());
    t.put("eventsInKafka", totals.eventsInKafka());
    t.put("eventsLost", totals.eventsLost());
    t.put("tasks", totals.tasks());
    t.put("tasksWithResult", totals.tasksWithResult());
    t.put("tasksLost", totals.tasksLost());
    t.put("publishRetries", publishRetries);
    t.put("anchorsEmitted", anchors.emitted());
    t.put("anchorsOnChain", anchors.onChain());
    t.put("anchorsMissing", anchors.missing());
    t.put("anchorsDuplicated", anchors.duplicated());
    t.put("anchorsUnknown", anchors.unknown());
    root.set("revisionGaps", JSON.valueToTree(totals.revisionGaps()));
    root.set("lostExamples", JSON.valueToTree(totals.lostExamples()));
    root.set("anchorExamples", JSON.valueToTree(anchors.examples()));
    ArrayNode s = root.putArray("samples");
    for (Soak.Sample sample : samples) {
      s.addArray()
          .add(sample.t())
          .add(sample.sent())
          .add(sample.inTwins())
          .add(sample.events())
          .add(sample.publishFailures());
    }
    root.put("samplesColumns", "t, sent, inTwins, events, publishRetries");
    return root;
  }

  /** Writes {@code soak-report.json} and {@code soak.html} into {@code dir}. */
  void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    JSON.writeValue(dir.resolve("soak-report.json").toFile(), toJson());
    Files.writeString(dir.resolve("soak.html"), SoakChart.html(this));
  }

  /** The one-line summary printed at the end. */
  String summary() {
    return String.format(
        Locale.ROOT,
        "soak: %.0f s, %d faults; telemetry sent %d, in twins %d, lost %d (duplicates %d); twin"
            + " events %d, in Kafka %d, lost %d; tasks %d, with a result %d, lost %d; anchors"
            + " emitted %d, on chain %d, missing %d, duplicated %d",
        ranSeconds,
        faults.size(),
        totals.telemetrySent(),
        totals.telemetryInTwins(),
        totals.telemetryLost(),
        totals.telemetryDuplicates(),
        totals.twinEvents(),
        totals.eventsInKafka(),
        totals.eventsLost(),
        totals.tasks(),
        totals.tasksWithResult(),
        totals.tasksLost(),
        anchors.emitted(),
        anchors.onChain(),
        anchors.missing(),
        anchors.duplicated());
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).strip();
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static String machine() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "unknown";
    }
    return host
        + ", "
        + Runtime.getRuntime().availableProcessors()
        + " cores, "
        + System.getProperty("os.name")
        + " "
        + System.getProperty("os.version")
        + ", Java "
        + Runtime.version();
  }
}
