package io.bdt.optimizer.baseline;

import io.bdt.optimizer.dpra.Policy;
import io.bdt.optimizer.dpra.SlotDecision;
import io.bdt.optimizer.dpra.SlotObservation;

/**
 * Baseline 1, {@code LOCAL_ONLY}: every gateway runs its whole model ({@code k = K}) and every AP
 * mines with its whole budget {@code F_m}. It has the fastest consensus of all policies but gives
 * the APs no contribution, so their reputation decays to 0.
 */
public final class LocalOnly implements Policy {

  public static final String NAME = "LOCAL_ONLY";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public SlotDecision decide(SlotObservation observation) {
    int[] cuts = new int[observation.gateways()];
    for (int n = 0; n < cuts.length; n++) {
      cuts[n] = observation.models().get(n).fullyLocalCut();
    }
    return new SlotDecision(
        cuts, new double[observation.gateways()], observation.apBudget().clone());
  }
}
