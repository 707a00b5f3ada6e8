package io.bdt.optimizer.sim;

import java.util.List;

/**
 * One algorithm's slot-by-slot outcomes over a simulation.
 *
 * @param name the policy's report name, e.g. {@code DPRA}
 * @param slots outcomes in slot order
 */
public record AlgorithmRun(String name, List<SlotOutcome> slots) {

  public AlgorithmRun {
    slots = List.copyOf(slots);
  }

  /**
   * {@code (1/(T - W)) sum_{t >= W} R_m(t+1)} per AP: the time-average reputation after a warm-up
   * of {@code warmUpSlots = W} slots.
   */
  public double[] timeAverageReputation(int warmUpSlots) {
    if (warmUpSlots < 0 || warmUpSlots >= slots.size()) {
      throw new IllegalArgumentException(
          "warmUpSlots must be in [0, " + slots.size() + "), got " + warmUpSlots);
    }
    double[] sum = new double[slots.get(0).reputation().length];
    for (SlotOutcome slot : slots.subList(warmUpSlots, slots.size())) {
      for (int m = 0; m < sum.length; m++) {
        sum[m] += slot.reputation()[m];
      }
    }
    for (int m = 0; m < sum.length; m++) {
      sum[m] /= slots.size() - warmUpSlots;
    }
    return sum;
  }

  /** Time averages of this run, judged against the reputation floor {@code rMin}. */
  public AlgorithmSummary summary(double rMin) {
    return AlgorithmSummary.of(this, rMin);
  }
}
