package io.bdt.gateway.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.bdt.gateway.ingest.SparkplugHost;
import io.bdt.gateway.sim.DeviceSimulator;
import io.bdt.gateway.twin.TwinStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.eclipse.tahu.message.SparkplugBPayloadDecoder;
import org.eclipse.tahu.message.SparkplugBPayloadEncoder;
import org.eclipse.tahu.message.model.Metric;
import org.eclipse.tahu.message.model.MetricDataType;
import org.eclipse.tahu.message.model.SparkplugBPayload;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway as its devices' Sparkplug B host application, over a real broker: births declare
 * aliases and start the sequence, data may use aliases only, deaths mark the twin offline, and data
 * without a birth, with an unknown alias or after a sequence gap keeps what it can name, is
 * counted, and makes the gateway ask the device for a rebirth on its DCMD topic.
 */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedBroker.class, restrictToAnnotatedClass = true)
class SparkplugHostTest {

  private static final String GROUP = "plant";
  private static final String NODE = "gw-test";

  @Inject TwinStore twins;
  @Inject MeterRegistry registry;

  private DeviceSimulator device;

  @BeforeEach
  void connect() throws Exception {
    device = new DeviceSimulator(EmbeddedBroker.url, NODE);
  }

  @AfterEach
  void disconnect() throws Exception {
    device.close();
  }

  @Test
  void birthAliasesAndSequenceFeedTheTwinAndADeathMarksItOffline() throws Exception {
    String id = provisioned("spb-born");
    device.subscribe(commandTopic(id));
    double anomalies = anomalies();

    device.publishSparkplug(GROUP, NODE, id, 20.5, new float[0], 1);
    device.publishSparkplug(GROUP, NODE, id, 21.5, new float[0], 1);
    await("the alias-only DDATA in the twin", () -> temperature(id).orElse(0.0) == 21.5);
    assertThat(feature(id, "connectivity").path("status").asText()).isEqualTo("online");

    device.publishSparkplugDeath(GROUP, NODE, id, 1);
    await("offline", () -> "offline".equals(feature(id, "connectivity").path("status").asText()));
    assertThat(anomalies()).as("anomalies of a well-behaved device").isEqualTo(anomalies);
    assertThat(device.received()).as("rebirth requests to it").isEmpty();
  }

  @Test
  void dataWithoutABirthIsKeptAndTheDeviceIsAskedToBeReborn() throws Exception {
    String id = provisioned("spb-unborn");
    device.subscribe(commandTopic(id));
    double before = anomaly("no-birth");

    publish("DDATA", id, 7, new Metric.MetricBuilder("temperature", MetricDataType.Double, 30.0));

    await("the named value in the twin", () -> temperature(id).orElse(0.0) == 30.0);
    await("a rebirth request", () -> device.received().contains(commandTopic(id)));
    assertThat(anomaly("no-birth")).isEqualTo(before + 1);
  }

  @Test
  void anAliasTheBirthDidNotDeclareIsDroppedCountedAndAsksForARebirth() throws Exception {
    String id = provisioned("spb-alias");
    device.subscribe(commandTopic(id));
    device.publishSparkplugBirth(GROUP, NODE, id, 10.0, 1);
    await("the birth", () -> temperature(id).orElse(0.0) == 10.0);
    double before = anomaly("unknown-alias");

    publish(
        "DDATA",
        id,
        1,
        new Metric.MetricBuilder(99L, MetricDataType.Double, 666.0),
        new Metric.MetricBuilder(
            DeviceSimulator.SPARKPLUG_ALIASES.get("temperature"), MetricDataType.Double, 11.0));

    await("the declared alias's value", () -> temperature(id).orElse(0.0) == 11.0);
    await("a rebirth request", () -> device.received().contains(commandTopic(id)));
    assertThat(anomaly("unknown-alias")).isEqualTo(before + 1);
    assertThat(feature(id, "telemetry").toString()).doesNotContain("666");
  }

  @Test
  void aSequenceGapIsCountedAndAsksForARebirthButKeepsTheData() throws Exception {
    String id = provisioned("spb-gap");
    device.subscribe(commandTopic(id));
    device.publishSparkplugBirth(GROUP, NODE, id, 1.0, 1);
    await("the birth", () -> temperature(id).orElse(0.0) == 1.0);
    double before = anomaly("sequence-gap");

    publish(
        "DDATA",
        id,
        5,
        new Metric.MetricBuilder(
            DeviceSimulator.SPARKPLUG_ALIASES.get("temperature"), MetricDataType.Double, 2.0));

    await("the out-of-order value", () -> temperature(id).orElse(0.0) == 2.0);
    assertThat(anomaly("sequence-gap")).isEqualTo(before + 1);
    await("a rebirth request", () -> device.received().contains(commandTopic(id)));
  }

  @Test
  void theRebirthRequestIsASparkplugDeviceControlCommand() throws Exception {
    String id = provisioned("spb-cmd");
    device.subscribe(commandTopic(id));
    publish("DDATA", id, 3, new Metric.MetricBuilder("temperature", MetricDataType.Double, 5.0));
    await("the command", () -> !device.receivedPayloads(commandTopic(id)).isEmpty());
    List<byte[]> commands = device.receivedPayloads(commandTopic(id));
    SparkplugBPayload command =
        new SparkplugBPayloadDecoder().buildFromByteArray(commands.get(0), null);
    assertThat(command.getMetrics()).hasSize(1);
    assertThat(command.getMetrics().get(0).getName()).isEqualTo(SparkplugHost.REBIRTH_METRIC);
    assertThat(command.getMetrics().get(0).getValue()).isEqualTo(true);
  }

  @Test
  void malformedAndNamelessBirthsAreRejectedWithTheirReason() throws Exception {
    String id = provisioned("spb-bad");
    double notSparkplug = rejected("not-sparkplug");
    double badBirth = anomaly("bad-birth");

    device.publishRaw("spBv1.0/" + GROUP + "/DBIRTH/" + NODE + "/" + id, new byte[] {1, 2, 3}, 1);
    publish("DBIRTH", id, 0, new Metric.MetricBuilder(4L, MetricDataType.Double, 1.0));

    await("both refusals", () -> rejected("not-sparkplug") >= notSparkplug + 2);
    assertThat(anomaly("bad-birth")).isEqualTo(badBirth + 1);
    assertThat(
            twins.get("bdt:" + id).map(t -> t.features().containsKey("connectivity")).orElse(false))
        .as("a refused birth starts no session")
        .isFalse();
  }

  private String provisioned(String deviceId) throws Exception {
    JsonNode reply = device.provision("vib-key", "vib-secret", deviceId);
    assertThat(reply.path("status").asText()).isEqualTo("provisioned");
    return reply.path("deviceId").asText();
  }

  private static String commandTopic(String id) {
    return "spBv1.0/" + GROUP + "/DCMD/" + NODE + "/" + id;
  }

  private void publish(String type, String id, long seq, Metric.MetricBuilder... metrics)
      throws Exception {
    SparkplugBPayload.SparkplugBPayloadBuilder payload =
        new SparkplugBPayload.SparkplugBPayloadBuilder().setTimestamp(new Date()).setSeq(seq);
    for (Metric.MetricBuilder m : metrics) {
      payload.addMetric(m.createMetric());
    }
    device.publishRaw(
        "spBv1.0/" + GROUP + "/" + type + "/" + NODE + "/" + id,
        new SparkplugBPayloadEncoder().getBytes(payload.createPayload(), false),
        1);
  }

  private JsonNode feature(String id, String feature) {
    return twins
        .get("bdt:" + id)
        .map(t -> t.features().get(feature))
        .map(f -> (JsonNode) f.properties())
        .orElse(com.fasterxml.jackson.databind.node.MissingNode.getInstance());
  }

  private Optional<Double> temperature(String id) {
    JsonNode t = feature(id, "telemetry").path("temperature");
    return t.isNumber() ? Optional.of(t.asDouble()) : Optional.empty();
  }

  private double anomaly(String kind) {
    return registry.get("bdt.sparkplug.anomalies").tag("kind", kind).counter().count();
  }

  private double anomalies() {
    return registry.get("bdt.sparkplug.anomalies").counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }

  private double rejected(String reason) {
    return registry.get("bdt.telemetry.rejected").tag("reason", reason).counter().count();
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }
}
