package io.bdt.optimizer.baseline;

import io.bdt.optimizer.dpra.Policy;
import io.bdt.optimizer.dpra.SlotDecision;
import io.bdt.optimizer.dpra.SlotObservation;
import io.bdt.optimizer.dpra.SystemParameters;

/**
 * Baseline 6, {@code NEUROSURGEON}: per-slot latency-optimal cut for each gateway under a fixed
 * inference/mining split of every AP (after Kang et al., ASPLOS 2017, which picks the partition
 * from the current link and server speed but does not manage the server's compute).
 *
 * <p>Each AP mines with {@code miningFraction * F_m}; the rest is shared equally by the gateways
 * that offload to it. Cuts are chosen in two passes: first assuming every gateway with a task
 * offloads (a pessimistic share), then the offloading gateways re-pick their cut with the share
 * they actually get. A larger share only makes offloading faster, so no gateway leaves the
 * offloading set in the second pass and the shares stay consistent with the cuts.
 */
public final class Neurosurgeon implements Policy {

  public static final String NAME = "NEUROSURGEON";

  /** The default split: half of every AP's budget mines, half serves inference. */
  public static final double DEFAULT_MINING_FRACTION = 0.5;

  private final SystemParameters parameters;
  private final double miningFraction;

  /** Neurosurgeon with the given fixed mining fraction in [0, 1). */
  public Neurosurgeon(SystemParameters parameters, double miningFraction) {
    if (!(miningFraction >= 0 && miningFraction < 1)) {
      throw new IllegalArgumentException(
          "miningFraction must be in [0, 1) so that some compute serves inference, got "
              + miningFraction);
    }
    this.parameters = parameters;
    this.miningFraction = miningFraction;
  }

  /** Neurosurgeon with the 50/50 inference/mining split. */
  public Neurosurgeon(SystemParameters parameters) {
    this(parameters, DEFAULT_MINING_FRACTION);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public SlotDecision decide(SlotObservation observation) {
    int[] tasks = BudgetSplit.tasksPerAp(observation);
    int[] cuts = new int[observation.gateways()];
    for (int n = 0; n < cuts.length; n++) {
      int m = observation.servingAp()[n];
      double share = tasks[m] == 0 ? 0 : inferencePart(observation, m) / tasks[m];
      cuts[n] = BudgetSplit.fastestCut(observation, parameters, n, share);
    }
    SlotDecision firstPass = BudgetSplit.fixedMining(observation, cuts, miningFraction);
    for (int n = 0; n < cuts.length; n++) {
      if (BudgetSplit.offloads(observation, n, cuts[n])) {
        cuts[n] = BudgetSplit.fastestCut(observation, parameters, n, firstPass.inferenceShare()[n]);
      }
    }
    return BudgetSplit.fixedMining(observation, cuts, miningFraction);
  }

  private double inferencePart(SlotObservation observation, int m) {
    return (1 - miningFraction) * observation.apBudget()[m];
  }
}
