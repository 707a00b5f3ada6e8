package io.bdt.optimizer.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bdt.optimizer.dpra.SlotDecision;
import io.bdt.optimizer.dpra.SlotObservation;
import io.bdt.optimizer.model.SlotCost;
import org.junit.jupiter.api.Test;

class NeurosurgeonTest {

  private final Neurosurgeon policy = new Neurosurgeon(SlotFixtures.PARAMETERS);

  @Test
  void minesWithHalfOfEveryApBudget() {
    var observation = SlotFixtures.observation(1e8);
    SlotDecision decision = policy.decide(observation);

    assertThat(decision.miningShare()).containsExactly(1e9, 1e9);
    SlotCost.validate(observation, decision);
  }

  @Test
  void eachCutIsLatencyOptimalForTheShareTheGatewayGets() {
    for (double rate : new double[] {1e5, 1e6, 1e7, 1e8, 1e9}) {
      SlotObservation observation = SlotFixtures.observation(rate);
      SlotDecision decision = policy.decide(observation);
      for (int n = 0; n < 4; n++) {
        double chosen =
            SlotCost.gatewayLatency(
                observation,
                SlotFixtures.PARAMETERS,
                n,
                decision.cut()[n],
                decision.inferenceShare()[n]);
        // Any other cut, even with the share an offloading gateway gets, is no faster.
        double share = 1e9 / countOffloaders(observation, decision, n);
        for (int k = 0; k <= 2; k++) {
          double other =
              SlotCost.gatewayLatency(
                  observation, SlotFixtures.PARAMETERS, n, k, k == 2 ? 0 : share);
          assertThat(chosen).as("rate %s gateway %d cut %d", rate, n, k).isLessThanOrEqualTo(other);
        }
      }
    }
  }

  @Test
  void runsLocalOnASlowLinkAndOffloadsOnAFastOne() {
    assertThat(policy.decide(SlotFixtures.observation(1e4)).cut()).containsOnly(2);
    assertThat(policy.decide(SlotFixtures.observation(1e9)).cut()).doesNotContain(2);
  }

  @Test
  void rejectsASplitThatLeavesNothingForInference() {
    assertThatThrownBy(() -> new Neurosurgeon(SlotFixtures.PARAMETERS, 1.0))
        .hasMessageContaining("miningFraction");
  }

  private static int countOffloaders(SlotObservation observation, SlotDecision decision, int n) {
    int m = observation.servingAp()[n];
    int count = 0;
    for (int g = 0; g < observation.gateways(); g++) {
      if (observation.servingAp()[g] == m && decision.cut()[g] != 2) {
        count++;
      }
    }
    return Math.max(count, 1);
  }
}
