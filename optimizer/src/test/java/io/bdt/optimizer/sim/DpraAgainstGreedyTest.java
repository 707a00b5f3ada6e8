package io.bdt.optimizer.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.optimizer.baseline.Greedy;
import io.bdt.optimizer.dpra.Dpra;
import io.bdt.optimizer.dpra.Policy;
import io.bdt.optimizer.dpra.SlotDecision;
import io.bdt.optimizer.dpra.SlotObservation;
import io.bdt.optimizer.dpra.SystemParameters;
import io.bdt.optimizer.model.SlotCost;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Properties that must hold on a system where the floor is reachable: DPRA keeps every AP's
 * time-average reputation at {@code R_min}, and in every slot GREEDY's decision, which ignores the
 * floor, is no slower than DPRA's for the same state.
 *
 * <p>The comparison is per slot on DPRA's own trajectory, not of the two runs' time averages: each
 * policy evolves its own reputations, and a higher reputation lowers the mining difficulty, so a
 * reputation-keeping run can have faster consensus than the greedy one later on.
 */
class DpraAgainstGreedyTest {

  private static final TinySimulatedSystem SYSTEM = TinySimulatedSystem.standard();
  private static final SystemParameters PARAMETERS = SYSTEM.environment().parameters();
  private static final List<SlotObservation> OBSERVATIONS = new ArrayList<>();
  private static final List<SlotDecision> DECISIONS = new ArrayList<>();
  private static AlgorithmRun dpraRun;

  @BeforeAll
  static void simulate() {
    Policy dpra = Algorithms.dpra(PARAMETERS);
    Policy recorded =
        new Policy() {
          @Override
          public String name() {
            return dpra.name();
          }

          @Override
          public SlotDecision decide(SlotObservation observation) {
            SlotDecision decision = dpra.decide(observation);
            OBSERVATIONS.add(observation);
            DECISIONS.add(decision);
            return decision;
          }
        };
    dpraRun =
        new SlotSimulator(SYSTEM.environment()).runOne(recorded, SYSTEM.draws(400, 3), () -> {});
  }

  @Test
  void dpraSatisfiesTheReputationFloorOnEveryAp() {
    assertThat(dpraRun.summary(PARAMETERS.rMin()).constraintSatisfied()).isTrue();
  }

  @Test
  void greedyIsNoSlowerThanDpraInAnySlotFromTheSameState() {
    // GREEDY on the plain objective is the per-slot latency optimum, so no decision beats it
    Greedy greedy = new Greedy(Dpra.plain(PARAMETERS));
    for (int t = 0; t < OBSERVATIONS.size(); t++) {
      SlotObservation observation = OBSERVATIONS.get(t);
      double greedyLatency =
          SlotCost.evaluate(observation, PARAMETERS, greedy.decide(observation)).totalLatency();
      double dpraLatency =
          SlotCost.evaluate(observation, PARAMETERS, DECISIONS.get(t)).totalLatency();
      assertThat(greedyLatency).as("slot %d", t).isLessThanOrEqualTo(dpraLatency * (1 + 1e-9));
    }
  }
}
