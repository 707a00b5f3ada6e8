package io.bdt.optimizer.baseline;

import io.bdt.optimizer.dpra.Policy;
import io.bdt.optimizer.dpra.SlotDecision;
import io.bdt.optimizer.dpra.SlotObservation;

/**
 * Baseline 4, {@code GREEDY}: the per-slot latency optimum that ignores the reputation constraint.
 *
 * <p>It hands a drift-plus-penalty policy the slot with every virtual queue {@code Q_m} read as 0
 * and takes its decision. Wrapping {@code Dpra.plain} (what {@code Algorithms} does) gives {@code V
 * [sum_n D_n + D^C]}, this slot's latency alone, whose minimiser does not depend on {@code V}: the
 * {@code V -> infinity} limit of the system model's DPRA, with the same cut search and exact
 * frequency allocation. It does not wrap the default DPRA: that one prices reputation with a
 * running estimate learnt from its own past slots (see {@code docs/dpra.md}), so it is no longer a
 * per-slot rule; its own {@code V -> infinity} limit is reported by the V sweep instead.
 */
public final class Greedy implements Policy {

  public static final String NAME = "GREEDY";

  private final Policy latencyOptimiser;

  /**
   * Greedy on top of {@code latencyOptimiser}, a drift-plus-penalty policy (DPRA); it is per slot
   * only if that policy keeps no state of its own between slots beyond what the observation carries
   * ({@code Dpra.plain}).
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
        observation.withVirtualQueue(new double[observation.accessPoints()]));
  }
}
