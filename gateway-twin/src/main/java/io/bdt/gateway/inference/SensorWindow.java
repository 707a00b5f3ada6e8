package io.bdt.gateway.inference;

import java.time.Instant;
import java.util.Objects;

/**
 * One full window of a device's accelerometer samples (g), the input of one inference sample.
 *
 * @param deviceId the device it came from
 * @param samples exactly the classifier's input length
 * @param closedAt timestamp of the sample that completed it
 */
public record SensorWindow(String deviceId, float[] samples, Instant closedAt) {
  public SensorWindow {
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(samples, "samples");
    Objects.requireNonNull(closedAt, "closedAt");
  }
}
