package io.bdt.optimizer.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.optimizer.dpra.SlotDecision;
import io.bdt.optimizer.dpra.SlotObservation;
import io.bdt.optimizer.model.SlotCost;
import java.util.List;
import org.junit.jupiter.api.Test;

class FixedBestTest {

  @Test
  void keepsTheLearnedCutAfterCalibrationWhateverTheChannel() {
    FixedBest policy = new FixedBest(SlotFixtures.PARAMETERS, 5);
    for (int t = 0; t < 5; t++) {
      policy.decide(SlotFixtures.observation(1e9));
    }
    int learned = policy.cutFor(SlotFixtures.MODEL).orElseThrow();
    assertThat(learned).isNotEqualTo(2);
    assertThat(policy.isFrozen(SlotFixtures.MODEL)).isTrue();

    // A link so slow that running locally would now be far better: the fixed cut stays.
    SlotDecision decision = policy.decide(SlotFixtures.observation(1e3));
    assertThat(decision.cut()).containsOnly(learned);
  }

  @Test
  void learnsLocalExecutionWhenTheLinkIsSlowDuringCalibration() {
    FixedBest policy = new FixedBest(SlotFixtures.PARAMETERS, 3);
    for (int t = 0; t < 3; t++) {
      policy.decide(SlotFixtures.observation(1e3));
    }
    assertThat(policy.decide(SlotFixtures.observation(1e9)).cut()).containsOnly(2);
  }

  @Test
  void picksTheCutWithTheLowestAverageLatencyOverCalibration() {
    FixedBest policy = new FixedBest(SlotFixtures.PARAMETERS, 2);
    List<SlotObservation> calibration =
        List.of(SlotFixtures.observation(2e6), SlotFixtures.observation(5e7));
    calibration.forEach(policy::decide);

    double[] total = new double[3];
    for (SlotObservation observation : calibration) {
      for (int k = 0; k < 3; k++) {
        // Two gateways with tasks per AP: share F_m / 3 while calibrating.
        total[k] += SlotCost.gatewayLatency(observation, SlotFixtures.PARAMETERS, 0, k, 2e9 / 3);
      }
    }
    int best = 0;
    for (int k = 1; k < 3; k++) {
      if (total[k] < total[best]) {
        best = k;
      }
    }
    assertThat(policy.cutFor(SlotFixtures.MODEL)).hasValue(best);
  }

  @Test
  void splitsEachApBudgetEvenlyBetweenMiningAndOffloadingGateways() {
    FixedBest policy = new FixedBest(SlotFixtures.PARAMETERS, 1);
    SlotObservation observation = SlotFixtures.observation(1e9, new int[] {2, 0, 2, 2});
    SlotDecision decision = policy.decide(observation);
    SlotCost.validate(observation, decision);

    // AP 0: one offloading gateway and mining share 2e9 Hz in halves; AP 1: two gateways, thirds.
    assertThat(decision.miningShare()[0]).isEqualTo(1e9);
    assertThat(decision.inferenceShare()[0]).isEqualTo(1e9);
    assertThat(decision.inferenceShare()[1]).isZero();
    assertThat(decision.miningShare()[1]).isEqualTo(2e9 / 3);
    assertThat(decision.inferenceShare()[2]).isEqualTo(2e9 / 3);
  }
}
