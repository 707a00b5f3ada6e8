package io.bdt.gateway.ingest;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import org.eclipse.tahu.message.SparkplugBPayloadDecoder;
import org.eclipse.tahu.message.model.Metric;
import org.eclipse.tahu.message.model.SparkplugBPayload;

/**
 * Decodes Sparkplug B payloads with Eclipse Tahu: scalar metrics become properties (by metric
 * name); a metric named {@code samples} of type FloatArray or DoubleArray becomes the sensor
 * samples. Sessions, aliases and sequence numbers are the {@link SparkplugHost}'s.
 */
public final class SparkplugTelemetryDecoder {

  /** Decodes {@code payload} from {@code deviceId}, stamping {@code arrival} if it has no time. */
  public Telemetry decode(String deviceId, byte[] payload, Instant arrival)
      throws MalformedTelemetryException {
    return telemetry(deviceId, parse(payload), arrival);
  }

  /** The Sparkplug B payload in {@code payload}'s bytes (protobuf). */
  public SparkplugBPayload parse(byte[] payload) throws MalformedTelemetryException {
    try {
      return new SparkplugBPayloadDecoder().buildFromByteArray(payload, null);
    } catch (Exception e) {
      throw new MalformedTelemetryException(
          RejectReason.NOT_SPARKPLUG, "not a Sparkplug B payload: " + e.getMessage());
    }
  }

  /**
   * The telemetry in a decoded payload whose metrics all have names (a {@link SparkplugHost}
   * resolves aliases first).
   */
  public Telemetry telemetry(String deviceId, SparkplugBPayload decoded, Instant arrival)
      throws MalformedTelemetryException {
    Instant at = decoded.getTimestamp() == null ? arrival : decoded.getTimestamp().toInstant();
    ObjectNode properties = JsonNodeFactory.instance.objectNode();
    float[] samples = new float[0];
    for (Metric metric : decoded.getMetrics()) {
      String name = metric.getName();
      Object value = metric.getValue();
      if (name == null || name.isEmpty()) {
        throw new MalformedTelemetryException(
            RejectReason.NOT_SPARKPLUG, "a metric has no name and no alias its DBIRTH declared");
      }
      if ("samples".equals(name)) {
        samples = samplesOf(value);
        continue;
      }
      switch (value) {
        case null -> properties.putNull(name);
        case Boolean b -> properties.put(name, b);
        case Integer i -> properties.put(name, i);
        case Long l -> properties.put(name, l);
        case Short s -> properties.put(name, s);
        case Byte b -> properties.put(name, b);
        case Float f -> properties.put(name, f);
        case Double d -> properties.put(name, d);
        case java.math.BigInteger big -> properties.put(name, big);
        case String s -> properties.put(name, s);
        case java.util.Date date -> properties.put(name, date.toInstant().toString());
        default -> properties.put(name, value.toString());
      }
    }
    if (properties.isEmpty() && samples.length == 0) {
      throw new MalformedTelemetryException(RejectReason.NO_VALUES, "payload has no metrics");
    }
    return new Telemetry(deviceId, at, properties, samples);
  }

  private static float[] samplesOf(Object value) throws MalformedTelemetryException {
    if (value instanceof Float[] floats) {
      float[] out = new float[floats.length];
      for (int i = 0; i < out.length; i++) {
        out[i] = requireFinite(floats[i], i);
      }
      return out;
    }
    if (value instanceof Double[] doubles) {
      float[] out = new float[doubles.length];
      for (int i = 0; i < out.length; i++) {
        out[i] = requireFinite(doubles[i] == null ? null : doubles[i].floatValue(), i);
      }
      return out;
    }
    throw new MalformedTelemetryException(
        RejectReason.BAD_SAMPLES, "metric 'samples' must be a FloatArray or DoubleArray");
  }

  private static float requireFinite(Float value, int index) throws MalformedTelemetryException {
    if (value == null || !Float.isFinite(value)) {
      throw new MalformedTelemetryException(
          RejectReason.BAD_SAMPLES, "samples[" + index + "] must be finite, got " + value);
    }
    return value;
  }
}
