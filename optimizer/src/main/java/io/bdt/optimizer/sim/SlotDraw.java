package io.bdt.optimizer.sim;

import java.util.Arrays;

/**
 * The random part of one slot, drawn once and shown to every policy.
 *
 * @param taskSamples {@code b_n(t)} per gateway (0 = no task)
 * @param uplinkRate {@code r_n(t)} per gateway to its serving AP, bit/s
 * @param inRangeRate {@code r_nm(t)} per gateway to each AP of {@link Environment#inRange()}, bit/s
 *     (the first is {@code uplinkRate[n]})
 */
public record SlotDraw(int[] taskSamples, double[] uplinkRate, double[][] inRangeRate) {

  /** A slot of a fixed association: each gateway's rate to its serving AP only. */
  public SlotDraw(int[] taskSamples, double[] uplinkRate) {
    this(
        taskSamples,
        uplinkRate,
        Arrays.stream(uplinkRate).mapToObj(r -> new double[] {r}).toArray(double[][]::new));
  }

  public SlotDraw {
    if (taskSamples.length != uplinkRate.length) {
      throw new IllegalArgumentException(
          "SlotDraw: taskSamples and uplinkRate need one entry per gateway, got "
              + taskSamples.length
              + " and "
              + uplinkRate.length);
    }
    if (inRangeRate.length != taskSamples.length) {
      throw new IllegalArgumentException(
          "SlotDraw: inRangeRate needs one entry per gateway, got " + inRangeRate.length);
    }
  }
}
