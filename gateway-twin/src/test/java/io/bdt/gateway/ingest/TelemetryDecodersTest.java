package io.bdt.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import org.eclipse.tahu.message.SparkplugBPayloadEncoder;
import org.eclipse.tahu.message.model.Metric;
import org.eclipse.tahu.message.model.MetricDataType;
import org.eclipse.tahu.message.model.SparkplugBPayload;
import org.junit.jupiter.api.Test;

class TelemetryDecodersTest {

  private static final Instant ARRIVAL = Instant.parse("2026-11-24T10:00:00Z");

  private static Telemetry json(String text) throws MalformedTelemetryException {
    return new JsonTelemetryDecoder().decode("d", text.getBytes(StandardCharsets.UTF_8), ARRIVAL);
  }

  private static RejectReason jsonReason(String text) {
    try {
      json(text);
      throw new AssertionError("accepted " + text);
    } catch (MalformedTelemetryException e) {
      return e.reason();
    }
  }

  @Test
  void jsonSeparatesTimestampSamplesAndProperties() throws Exception {
    Telemetry t = json("{\"ts\":1764000000000,\"temperature\":41.5,\"samples\":[0.1,-0.2]}");
    assertThat(t.at()).isEqualTo(Instant.ofEpochMilli(1764000000000L));
    assertThat(t.properties().get("temperature").asDouble()).isEqualTo(41.5);
    assertThat(t.properties().has("samples")).isFalse();
    assertThat(t.samples()).containsExactly(0.1f, -0.2f);
  }

  @Test
  void jsonPixelsAreACameraFramesBytesScaledToOne() throws Exception {
    String pixels = java.util.Base64.getEncoder().encodeToString(new byte[] {0, (byte) 255, 51});
    Telemetry t = json("{\"seq\":4,\"pixels\":\"" + pixels + "\"}");
    assertThat(t.samples()).containsExactly(0f, 1f, 0.2f);
    assertThat(t.properties().has("pixels")).isFalse();
    assertThat(t.properties().get("seq").asInt()).isEqualTo(4);
  }

  @Test
  void pixelsThatAreNoBase64OrComeWithSamplesAreRejected() {
    assertThat(jsonReason("{\"pixels\":\"not base64!\"}")).isEqualTo(RejectReason.BAD_SAMPLES);
    assertThat(jsonReason("{\"pixels\":\"AAE=\",\"samples\":[1]}"))
        .isEqualTo(RejectReason.BAD_SAMPLES);
  }

  @Test
  void jsonWithoutTimestampIsStampedOnArrival() throws Exception {
    assertThat(json("{\"rpm\":1}").at()).isEqualTo(ARRIVAL);
  }

  @Test
  void malformedJsonPayloadsAreRejectedWithTheirReason() {
    assertThat(jsonReason("{\"rpm\":")).isEqualTo(RejectReason.NOT_JSON);
    assertThat(jsonReason("[1,2]")).isEqualTo(RejectReason.NOT_AN_OBJECT);
    assertThat(jsonReason("{\"ts\":\"yesterday\",\"a\":1}")).isEqualTo(RejectReason.BAD_TIMESTAMP);
    assertThat(jsonReason("{\"samples\":[1,\"x\"]}")).isEqualTo(RejectReason.BAD_SAMPLES);
    assertThat(jsonReason("{}")).isEqualTo(RejectReason.NO_VALUES);
  }

  @Test
  void sparkplugMetricsBecomePropertiesAndSamples() throws Exception {
    SparkplugBPayload payload =
        new SparkplugBPayload.SparkplugBPayloadBuilder()
            .setTimestamp(Date.from(ARRIVAL.minusSeconds(5)))
            .setSeq(0L)
            .addMetric(
                new Metric.MetricBuilder("temperature", MetricDataType.Double, 40.25)
                    .createMetric())
            .addMetric(
                new Metric.MetricBuilder(
                        "samples", MetricDataType.FloatArray, new Float[] {0.5f, -0.25f})
                    .createMetric())
            .createPayload();
    byte[] bytes = new SparkplugBPayloadEncoder().getBytes(payload, false);
    Telemetry t = new SparkplugTelemetryDecoder().decode("d", bytes, ARRIVAL);
    assertThat(t.at()).isEqualTo(ARRIVAL.minusSeconds(5));
    assertThat(t.properties().get("temperature").asDouble()).isEqualTo(40.25);
    assertThat(t.samples()).containsExactly(0.5f, -0.25f);
  }

  @Test
  void bytesThatAreNotSparkplugAreRejected() {
    assertThatThrownBy(
            () ->
                new SparkplugTelemetryDecoder()
                    .decode("d", new byte[] {(byte) 0xff, 0x01, 0x7f, 0x00}, ARRIVAL))
        .isInstanceOf(MalformedTelemetryException.class)
        .satisfies(
            e ->
                assertThat(((MalformedTelemetryException) e).reason())
                    .isIn(RejectReason.NOT_SPARKPLUG, RejectReason.NO_VALUES));
  }
}
