package io.bdt.optimizer.sim;

/**
 * The random part of one slot, drawn once and shown to every policy.
 *
 * @param taskSamples {@code b_n(t)} per gateway (0 = no task)
 * @param uplinkRate {@code r_n(t)} per gateway, bit/s
 */
public record SlotDraw(int[] taskSamples, double[] uplinkRate) {

  public SlotDraw {
    if (taskSamples.length != uplinkRate.length) {
      throw new IllegalArgumentException(
          "SlotDraw: taskSamples and uplinkRate need one entry per gateway, got "
              + taskSamples.length
              + " and "
              + uplinkRate.length);
    }
  }
}
