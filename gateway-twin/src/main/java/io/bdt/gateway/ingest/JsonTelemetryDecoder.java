package io.bdt.gateway.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;

/**
 * Decodes JSON telemetry: a JSON object whose optional {@code ts} is epoch milliseconds, optional
 * {@code samples} is an array of numbers (accelerometer samples, g), optional {@code pixels} is a
 * camera frame's 8-bit values in Base64 (each becomes a sample {@code value / 255}, in the order
 * sent), and every other member is a reported property.
 */
public final class JsonTelemetryDecoder {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Decodes {@code payload} from {@code deviceId}, stamping {@code arrival} if it has no ts. */
  public Telemetry decode(String deviceId, byte[] payload, Instant arrival)
      throws MalformedTelemetryException {
    JsonNode root;
    try {
      root = JSON.readTree(payload);
    } catch (JsonProcessingException e) {
      throw new MalformedTelemetryException(RejectReason.NOT_JSON, e.getOriginalMessage());
    } catch (IOException e) {
      throw new MalformedTelemetryException(RejectReason.NOT_JSON, e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new MalformedTelemetryException(
          RejectReason.NOT_AN_OBJECT, "telemetry must be a JSON object");
    }
    ObjectNode properties = (ObjectNode) root; // parsed for this call alone: no copy needed
    Instant at = arrival;
    JsonNode ts = properties.remove("ts");
    if (ts != null) {
      if (!ts.canConvertToLong() || ts.asLong() < 0) {
        throw new MalformedTelemetryException(
            RejectReason.BAD_TIMESTAMP, "ts must be epoch milliseconds >= 0, got " + ts);
      }
      at = Instant.ofEpochMilli(ts.asLong());
    }
    float[] samples = new float[0];
    JsonNode samplesNode = properties.remove("samples");
    if (samplesNode != null) {
      if (!samplesNode.isArray()) {
        throw new MalformedTelemetryException(
            RejectReason.BAD_SAMPLES, "samples must be an array of numbers");
      }
      samples = new float[samplesNode.size()];
      for (int i = 0; i < samples.length; i++) {
        JsonNode s = samplesNode.get(i);
        if (!s.isNumber() || !Double.isFinite(s.asDouble())) {
          throw new MalformedTelemetryException(
              RejectReason.BAD_SAMPLES, "samples[" + i + "] must be a finite number, got " + s);
        }
        samples[i] = (float) s.asDouble();
      }
    }
    JsonNode pixels = properties.remove("pixels");
    if (pixels != null) {
      if (samples.length > 0 || !pixels.isTextual()) {
        throw new MalformedTelemetryException(
            RejectReason.BAD_SAMPLES,
            "pixels must be a Base64 string, and telemetry carries samples or pixels, not both");
      }
      byte[] values;
      try {
        values = java.util.Base64.getDecoder().decode(pixels.asText());
      } catch (IllegalArgumentException e) {
        throw new MalformedTelemetryException(
            RejectReason.BAD_SAMPLES, "pixels must be Base64: " + e.getMessage());
      }
      samples = new float[values.length];
      for (int i = 0; i < values.length; i++) {
        samples[i] = (values[i] & 0xff) / 255f;
      }
    }
    if (properties.isEmpty() && samples.length == 0) {
      throw new MalformedTelemetryException(
          RejectReason.NO_VALUES, "telemetry has neither properties nor samples");
    }
    return new Telemetry(deviceId, at, properties, samples);
  }
}
