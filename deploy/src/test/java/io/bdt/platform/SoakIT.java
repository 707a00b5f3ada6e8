package io.bdt.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A short soak ({@link Soak}, what {@code ./bdt soak} runs): the whole platform (2 APs with their
 * chain nodes, 2 gateways, the embedded MQTT broker, a Kafka behind a cuttable relay, 4 sensors at
 * QoS 1) for 100 s of load with four faults, one of each of gateway kill, broker restart, Kafka
 * outage and chain node kill; then nothing may be lost (every acked window in its twin, every twin
 * revision in Kafka, every window with its inference result, every anchor the gateways emitted on
 * chain exactly once) and every fault must have recovered. About 2.5 minutes on an idle machine.
 */
class SoakIT {

  @Test
  @Timeout(600)
  void shortSoakWithFourFaultsLosesNothingAndAnchorsExactlyOnce() throws Exception {
    Path root = Path.of("").toAbsolutePath().getParent();
    Assumptions.assumeTrue(
        Files.exists(root.resolve("gateway-twin/target/quarkus-app/quarkus-run.jar"))
            && Files.exists(root.resolve("access-point/target/quarkus-app/quarkus-run.jar")),
        "gateway-twin or access-point target/quarkus-app is not built");
    Path out = Files.createTempDirectory("bdt-soak-it-");
    List<SoakFaults.Kind> kinds =
        List.of(
            SoakFaults.Kind.GATEWAY_KILL,
            SoakFaults.Kind.BROKER_RESTART,
            SoakFaults.Kind.KAFKA_OUTAGE,
            SoakFaults.Kind.CHAIN_NODE_KILL);
    Soak soak =
        new Soak(
            new Soak.Settings(
                root,
                out,
                Duration.ofSeconds(100),
                kinds,
                Duration.ofSeconds(10),
                Duration.ofSeconds(22),
                Duration.ofSeconds(20),
                Duration.ofSeconds(2),
                Duration.ofSeconds(10),
                2,
                2,
                4,
                1000,
                SensorFleet.RECONNECT_MAX_DELAY_SECONDS,
                Duration.ofSeconds(10)),
            System.out);
    System.out.println("SoakIT: run in " + out + " (kept when the test fails)");
    long start = System.nanoTime();
    SoakReport report = soak.run();
    System.out.println(report.summary());
    System.out.printf("SoakIT: %.0f s wall time%n", (System.nanoTime() - start) / 1e9);

    assertThat(report.faults())
        .as("one fault of each kind, in order")
        .extracting(SoakFaults.Fault::kind)
        .containsExactlyElementsOf(kinds.stream().map(SoakFaults.Kind::label).toList());
    assertThat(report.faults())
        .as("every fault recovered")
        .allSatisfy(f -> assertThat(f.recoveredAfterSeconds()).as(f.toString()).isNotNegative());

    SoakTally.Totals t = report.totals();
    assertThat(t.telemetrySent()).as("windows acked over 100 s of 4 sensors").isGreaterThan(100);
    assertThat(t.telemetryInTwins())
        .as("telemetry lost: %s", t.lostExamples())
        .isEqualTo(t.telemetrySent());
    assertThat(t.twinEvents()).isGreaterThanOrEqualTo(t.telemetrySent());
    assertThat(t.eventsInKafka()).as("events lost: %s", t.lostExamples()).isEqualTo(t.twinEvents());
    assertThat(t.tasks()).isEqualTo(t.telemetrySent());
    assertThat(t.tasksWithResult()).as("tasks lost: %s", t.lostExamples()).isEqualTo(t.tasks());
    assertThat(t.revisionGaps()).isEmpty();

    SoakAnchors.Totals a = report.anchors();
    assertThat(a.emitted()).as("the gateways anchored results").isPositive();
    assertThat(a.examples()).as("anchors not exactly once").isEmpty();
    assertThat(a.onChain()).isEqualTo(a.emitted());
    assertThat(report.lossless()).isTrue();

    JsonNode json = new ObjectMapper().readTree(out.resolve("soak-report.json").toFile());
    assertThat(json.path("faults").size()).isEqualTo(4);
    assertThat(json.path("totals").path("telemetryLost").asLong(-1)).isZero();
    assertThat(json.path("totals").path("anchorsEmitted").asLong()).isEqualTo(a.emitted());
    assertThat(json.path("totals").path("anchorsMissing").asLong(-1)).isZero();
    assertThat(json.path("totals").path("anchorsDuplicated").asLong(-1)).isZero();
    assertThat(out.resolve("soak.html")).exists();
    FileTrees.deleteTree(out);
  }
}
