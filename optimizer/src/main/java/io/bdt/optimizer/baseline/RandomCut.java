package io.bdt.optimizer.baseline;

import io.bdt.optimizer.dpra.Policy;
import io.bdt.optimizer.dpra.SlotDecision;
import io.bdt.optimizer.dpra.SlotObservation;
import java.util.SplittableRandom;

/**
 * Baseline 5, {@code RANDOM}: each gateway with a task picks a cut uniformly from {@code 0..K}
 * every slot, from a generator seeded at construction; each AP splits its budget evenly between
 * mining and the gateways that offload to it.
 */
public final class RandomCut implements Policy {

  public static final String NAME = "RANDOM";

  private final SplittableRandom random;

  /** A policy whose cut sequence is fixed by {@code seed}. */
  public RandomCut(long seed) {
    this.random = new SplittableRandom(seed);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public SlotDecision decide(SlotObservation observation) {
    int[] cuts = new int[observation.gateways()];
    for (int n = 0; n < cuts.length; n++) {
      int local = observation.models().get(n).fullyLocalCut();
      // Draw for every gateway, task or not, so one gateway's arrivals never shift another's cuts.
      int drawn = random.nextInt(local + 1);
      cuts[n] = observation.hasTask(n) ? drawn : local;
    }
    return BudgetSplit.even(observation, cuts);
  }
}
