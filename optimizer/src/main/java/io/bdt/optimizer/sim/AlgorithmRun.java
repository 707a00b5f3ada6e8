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

  /** Time averages of this run, judged against the reputation floor {@code rMin}. */
  public AlgorithmSummary summary(double rMin) {
    return AlgorithmSummary.of(this, rMin);
  }
}
