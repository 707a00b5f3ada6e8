package io.bdt.optimizer.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.optimizer.dpra.SlotDecision;
import io.bdt.optimizer.model.SlotCost;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RandomCutTest {

  private static List<int[]> cuts(long seed, int slots) {
    RandomCut policy = new RandomCut(seed);
    List<int[]> cuts = new ArrayList<>();
    for (int t = 0; t < slots; t++) {
      cuts.add(policy.decide(SlotFixtures.observation(1e7)).cut());
    }
    return cuts;
  }

  @Test
  void sameSeedGivesTheSameCutSequence() {
    assertThat(cuts(7, 50)).usingRecursiveComparison().isEqualTo(cuts(7, 50));
  }

  @Test
  void differentSeedsGiveDifferentCutSequences() {
    assertThat(cuts(7, 50)).usingRecursiveComparison().isNotEqualTo(cuts(8, 50));
  }

  @Test
  void drawsEveryCutOfTheModel() {
    Set<Integer> seen = new HashSet<>();
    for (int[] slot : cuts(3, 100)) {
      for (int k : slot) {
        seen.add(k);
      }
    }
    assertThat(seen).containsExactlyInAnyOrder(0, 1, 2);
  }

  @Test
  void givesEachApEqualPartsForMiningAndEveryOffloadingGateway() {
    var observation = SlotFixtures.observation(1e7);
    RandomCut policy = new RandomCut(11);
    for (int t = 0; t < 30; t++) {
      SlotDecision decision = policy.decide(observation);
      SlotCost.validate(observation, decision);
      for (int n = 0; n < 4; n++) {
        int m = observation.servingAp()[n];
        boolean offloads = decision.cut()[n] != SlotFixtures.MODEL.fullyLocalCut();
        assertThat(decision.inferenceShare()[n])
            .isEqualTo(offloads ? decision.miningShare()[m] : 0.0);
      }
    }
  }

  @Test
  void gatewaysWithoutATaskStayLocal() {
    var observation = SlotFixtures.observation(1e7, new int[] {0, 2, 0, 2});
    RandomCut policy = new RandomCut(5);
    for (int t = 0; t < 20; t++) {
      SlotDecision decision = policy.decide(observation);
      assertThat(decision.cut()[0]).isEqualTo(2);
      assertThat(decision.cut()[2]).isEqualTo(2);
    }
  }
}
