package io.bdt.optimizer.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.optimizer.dpra.SlotDecision;
import io.bdt.optimizer.model.SlotCost;
import org.junit.jupiter.api.Test;

class LocalOnlyTest {

  @Test
  void runsEveryModelFullyLocalAndMinesWithTheWholeBudget() {
    var observation = SlotFixtures.observation(1e8);
    SlotDecision decision = new LocalOnly().decide(observation);

    assertThat(decision.cut()).containsOnly(SlotFixtures.MODEL.fullyLocalCut());
    assertThat(decision.inferenceShare()).containsOnly(0.0);
    assertThat(decision.miningShare()).containsExactly(observation.apBudget());
    SlotCost.validate(observation, decision);
  }

  @Test
  void isNamedLocalOnly() {
    assertThat(new LocalOnly().name()).isEqualTo("LOCAL_ONLY");
  }
}
