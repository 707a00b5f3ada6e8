package io.bdt.optimizer.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.optimizer.dpra.SlotDecision;
import io.bdt.optimizer.dpra.SlotObservation;
import io.bdt.optimizer.model.SlotCost;
import org.junit.jupiter.api.Test;

class FullOffloadTest {

  private final FullOffload policy = new FullOffload(SlotFixtures.PARAMETERS);

  @Test
  void sendsTheRawInputOfEveryTaskWhateverTheLink() {
    for (double rate : new double[] {1e3, 1e9}) {
      SlotObservation observation = SlotFixtures.observation(rate, new int[] {2, 0, 1, 3});
      SlotDecision decision = policy.decide(observation);
      assertThat(decision.cut()).containsExactly(0, 2, 0, 0);
      SlotCost.validate(observation, decision);
    }
  }

  @Test
  void usesTheWholeBudgetOfEveryApAndLetsEachMine() {
    SlotObservation observation = SlotFixtures.observation(1e8);
    SlotDecision decision = policy.decide(observation);
    for (int m = 0; m < 2; m++) {
      double used = decision.miningShare()[m];
      for (int n = 0; n < 4; n++) {
        if (observation.servingAp()[n] == m) {
          used += decision.inferenceShare()[n];
          assertThat(decision.inferenceShare()[n]).isPositive();
        }
      }
      assertThat(used).isCloseTo(2e9, org.assertj.core.data.Percentage.withPercentage(1e-6));
    }
    assertThat(SlotCost.evaluate(observation, SlotFixtures.PARAMETERS, decision).consensusLatency())
        .isFinite();
  }

  @Test
  void noAlternativeSplitOfTheSameCutsHasALowerObjective() {
    SlotObservation observation = SlotFixtures.observation(1e8);
    SlotDecision decision = policy.decide(observation);
    double best = SlotCost.evaluate(observation, SlotFixtures.PARAMETERS, decision).objective();
    // Even split of the same cuts: a feasible alternative the exact allocation must not lose to.
    SlotDecision even = BudgetSplit.even(observation, decision.cut());
    assertThat(best)
        .isLessThanOrEqualTo(
            SlotCost.evaluate(observation, SlotFixtures.PARAMETERS, even).objective());
  }
}
