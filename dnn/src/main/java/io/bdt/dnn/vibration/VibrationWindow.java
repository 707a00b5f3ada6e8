package io.bdt.dnn.vibration;

import java.util.Arrays;
import java.util.Objects;

/**
 * One window of accelerometer samples (in g) from a machine in a known state.
 *
 * @param state the machine's true state (the label)
 * @param shaftHz the shaft speed at the window's start, Hz
 * @param samples {@link VibrationGenerator#WINDOW} samples at {@link
 *     VibrationGenerator#SAMPLE_RATE_HZ}
 */
public record VibrationWindow(MachineState state, double shaftHz, float[] samples) {

  public VibrationWindow {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(samples, "samples");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VibrationWindow w
        && state == w.state
        && Double.compare(shaftHz, w.shaftHz) == 0
        && Arrays.equals(samples, w.samples);
  }

  @Override
  public int hashCode() {
    return Objects.hash(state, shaftHz, Arrays.hashCode(samples));
  }

  @Override
  public String toString() {
    return "VibrationWindow[" + state.label() + ", " + shaftHz + " Hz]";
  }
}
