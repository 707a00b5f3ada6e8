package io.bdt.optimizer.baseline;

import io.bdt.optimizer.dpra.Allocation;
import io.bdt.optimizer.dpra.AllocationProblem;
import io.bdt.optimizer.dpra.KktAllocator;
import io.bdt.optimizer.dpra.Policy;
import io.bdt.optimizer.dpra.SlotDecision;
import io.bdt.optimizer.dpra.SlotObservation;
import io.bdt.optimizer.dpra.SystemParameters;

/**
 * Baseline 2, {@code FULL_OFFLOAD}: every gateway with a task sends its raw input ({@code k = 0})
 * and the AP runs the whole model.
 *
 * <p>Frequencies are not split by a fixed rule: the APs get the exact drift-plus-penalty allocation
 * for these cuts (the same {@link KktAllocator} DPRA uses, with this policy's own virtual queues).
 * It is DPRA with the cut choice taken away, so the comparison isolates what partitioning buys.
 */
public final class FullOffload implements Policy {

  public static final String NAME = "FULL_OFFLOAD";

  private final SystemParameters parameters;
  private final KktAllocator allocator = new KktAllocator();

  /** Full offload scored with {@code parameters} (including {@code V}). */
  public FullOffload(SystemParameters parameters) {
    this.parameters = parameters;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public SlotDecision decide(SlotObservation observation) {
    int[] cuts = new int[observation.gateways()];
    for (int n = 0; n < cuts.length; n++) {
      cuts[n] = observation.hasTask(n) ? 0 : observation.models().get(n).fullyLocalCut();
    }
    Allocation allocation = allocator.allocate(AllocationProblem.of(observation, parameters, cuts));
    return new SlotDecision(cuts, allocation.inferenceShare(), allocation.miningShare());
  }
}
