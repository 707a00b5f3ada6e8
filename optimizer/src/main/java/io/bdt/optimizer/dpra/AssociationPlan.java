package io.bdt.optimizer.dpra;

/**
 * A slot decision that also chose each gateway's serving AP.
 *
 * @param servingAp {@code m(n)} per gateway, one of its APs in range
 * @param observation the slot as decided: the original observation with these serving APs and their
 *     uplink rates ({@link InRange#resolve}); {@link io.bdt.optimizer.model.SlotCost} scores the
 *     decision on it
 * @param plan the cuts, shares and drift-plus-penalty value
 */
public record AssociationPlan(int[] servingAp, SlotObservation observation, SlotPlan plan) {

  /** The cuts and shares. */
  public SlotDecision decision() {
    return plan.decision();
  }
}
