package io.bdt.optimizer.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bdt.optimizer.baseline.LocalOnly;
import io.bdt.optimizer.baseline.Neurosurgeon;
import io.bdt.optimizer.baseline.RandomCut;
import io.bdt.optimizer.dpra.Policy;
import io.bdt.optimizer.dpra.SlotDecision;
import io.bdt.optimizer.dpra.SlotObservation;
import io.bdt.optimizer.model.SlotCost;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SlotSimulatorTest {

  private static List<Policy> policies() {
    return List.of(new LocalOnly(), new RandomCut(3), new Neurosurgeon(TinySystem.PARAMETERS));
  }

  @Test
  void twoRunsOfTheSameDrawsAndSeedsAreIdentical() {
    var draws = TinySystem.draws(200, 1);
    var first = new SlotSimulator(TinySystem.environment()).run(policies(), draws, () -> {});
    var second = new SlotSimulator(TinySystem.environment()).run(policies(), draws, () -> {});
    assertThat(first).usingRecursiveComparison().isEqualTo(second);
  }

  @Test
  void runningPoliciesInParallelGivesTheSameResultAsOneAfterAnother() {
    var draws = TinySystem.draws(200, 2);
    var serial = new SlotSimulator(TinySystem.environment(), 1).run(policies(), draws, () -> {});
    var parallel = new SlotSimulator(TinySystem.environment(), 2).run(policies(), draws, () -> {});
    assertThat(parallel).usingRecursiveComparison().isEqualTo(serial);
  }

  @Test
  void everyPolicySeesTheSameTasksAndChannels() {
    List<SlotObservation> seenA = new ArrayList<>();
    List<SlotObservation> seenB = new ArrayList<>();
    var draws = TinySystem.draws(20, 4);
    new SlotSimulator(TinySystem.environment(), 2)
        .run(List.of(recording("A", seenA), recording("B", seenB)), draws, () -> {});
    for (int t = 0; t < 20; t++) {
      assertThat(seenA.get(t).taskSamples()).isEqualTo(draws.get(t).taskSamples());
      assertThat(seenB.get(t).taskSamples()).isEqualTo(draws.get(t).taskSamples());
      assertThat(seenA.get(t).uplinkRate()).isEqualTo(seenB.get(t).uplinkRate());
    }
  }

  @Test
  void eachPolicyCarriesItsOwnReputationAndQueueFromSlotToSlot() {
    var runs =
        new SlotSimulator(TinySystem.environment())
            .run(policies(), TinySystem.draws(50, 5), () -> {});
    AlgorithmRun localOnly = runs.get(0);
    // No contribution: R decays geometrically from R(0) = 0.5 with omega = 0.1.
    for (SlotOutcome slot : localOnly.slots()) {
      assertThat(slot.reputation()[0]).isCloseTo(0.5 * Math.pow(0.9, slot.slot() + 1), within());
    }
    // Once R < R_min the queue grows by R_min - R(t+1) each slot.
    for (int t = 1; t < 50; t++) {
      SlotOutcome previous = localOnly.slots().get(t - 1);
      SlotOutcome slot = localOnly.slots().get(t);
      double expected = Math.max(previous.virtualQueue()[1] + 0.3 - slot.reputation()[1], 0);
      assertThat(slot.virtualQueue()[1]).isCloseTo(expected, within());
    }
    assertThat(runs.get(2).slots().get(49).reputation()[0])
        .isNotEqualTo(localOnly.slots().get(49).reputation()[0]);
  }

  @Test
  void recordsTheLatencyThatSlotCostAssignsToTheDecision() {
    List<SlotObservation> seen = new ArrayList<>();
    List<SlotDecision> decided = new ArrayList<>();
    Policy neurosurgeon = new Neurosurgeon(TinySystem.PARAMETERS);
    Policy spy =
        new Policy() {
          @Override
          public String name() {
            return "spy";
          }

          @Override
          public SlotDecision decide(SlotObservation observation) {
            seen.add(observation);
            SlotDecision decision = neurosurgeon.decide(observation);
            decided.add(decision);
            return decision;
          }
        };
    var run =
        new SlotSimulator(TinySystem.environment()).runOne(spy, TinySystem.draws(30, 6), () -> {});
    for (int t = 0; t < 30; t++) {
      SlotCost cost = SlotCost.evaluate(seen.get(t), TinySystem.PARAMETERS, decided.get(t));
      assertThat(run.slots().get(t).latencySeconds()).isCloseTo(cost.totalLatency(), within());
      assertThat(run.slots().get(t).cut()).isEqualTo(decided.get(t).cut());
    }
  }

  @Test
  void reportsProgressOncePerPolicyAndSlot() {
    AtomicInteger count = new AtomicInteger();
    new SlotSimulator(TinySystem.environment(), 2)
        .run(policies(), TinySystem.draws(40, 7), count::incrementAndGet);
    assertThat(count).hasValue(3 * 40);
  }

  @Test
  void namesThePolicyAndSlotOfAnInfeasibleDecision() {
    Policy overBudget =
        new Policy() {
          @Override
          public String name() {
            return "GREEDY_BUG";
          }

          @Override
          public SlotDecision decide(SlotObservation observation) {
            return new SlotDecision(new int[] {2, 2, 2, 2}, new double[4], new double[] {3e9, 3e9});
          }
        };
    assertThatThrownBy(
            () ->
                new SlotSimulator(TinySystem.environment())
                    .runOne(overBudget, TinySystem.draws(3, 8), () -> {}))
        .hasMessageContaining("GREEDY_BUG")
        .hasMessageContaining("slot 0")
        .hasMessageContaining("over budget");
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-12);
  }

  private static Policy recording(String name, List<SlotObservation> seen) {
    return new Policy() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public SlotDecision decide(SlotObservation observation) {
        seen.add(observation);
        return new LocalOnly().decide(observation);
      }
    };
  }
}
