package io.bdt.gateway.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;

/**
 * One decoded telemetry message.
 *
 * @param deviceId the device that sent it (from the topic)
 * @param at the device's timestamp, or the arrival time if the payload has none
 * @param properties reported values, merged into the twin's {@code telemetry} feature
 * @param samples accelerometer samples (g) for the device's sensor window; empty if none
 */
public record Telemetry(String deviceId, Instant at, ObjectNode properties, float[] samples) {
  public Telemetry {
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(properties, "properties");
    Objects.requireNonNull(samples, "samples");
  }
}
