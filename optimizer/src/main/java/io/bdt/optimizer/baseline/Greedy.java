package io.bdt.optimizer.baseline;

import io.bdt.optimizer.dpra.Policy;
import io.bdt.optimizer.dpra.SlotDecision;
import io.bdt.optimizer.dpra.SlotObservation;

/**
 * Baseline 4, {@code GREEDY}: the per-slot latency optimum that ignores the reputation constraint.
 *
 * <p>It is the {@code V -> infinity} limit of DPRA: with every virtual queue {@code Q_m} read as 0
 * the drift-plus-penalty objective is {@code V [sum_n D_n + D^C]} (plus, for DPRA with the
 * reputation-value term, {@code -V sum_m rho_m omega x_m}, the future consensus saving of the
 * reputation earned), whose minimiser does not depend on {@code V}. So this policy hands DPRA the
 * slot with zeroed queues and takes its decision: the same cut search, exact frequency allocation
 * and latency objective, without the reputation floor. Wrapping the default DPRA makes GREEDY
 * differ from it in the constraint alone; wrapping {@code Dpra.plain} gives the per-slot latency
 * optimum.
 */
public final class Greedy implements Policy {

  public static final String NAME = "GREEDY";

  private final Policy latencyOptimiser;

  /**
   * Greedy on top of {@code latencyOptimiser}, a drift-plus-penalty policy (DPRA) that must keep no
   * state of its own between slots beyond what the observation carries.
   */
  public Greedy(Policy latencyOptimiser) {
    this.latencyOptimiser = latencyOptimiser;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public SlotDecision decide(SlotObservation observation) {
    return latencyOptimiser.decide(
        new SlotObservation(
            observation.taskSamples(),
            observation.models(),
            observation.servingAp(),
            observation.uplinkRate(),
            observation.gatewayFlopsPerSecond(),
            observation.apBudget(),
            observation.reputation(),
            new double[observation.accessPoints()]));
  }
}
