package io.bdt.optimizer.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.optimizer.dpra.Dpra;
import io.bdt.optimizer.dpra.Policy;
import io.bdt.optimizer.dpra.SlotDecision;
import io.bdt.optimizer.dpra.SlotObservation;
import io.bdt.optimizer.scenario.Deployment;
import io.bdt.optimizer.scenario.Scenario;
import io.bdt.optimizer.scenario.ScenarioFile;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The association decision in the simulator: on the default scenario with every AP in range ({@code
 * "association": "decided"}, seed 6) the nearest-AP association gives AP 0 no gateway, so under a
 * fixed association it never earns reputation; DPRA choosing the serving AP every slot keeps every
 * AP at or above {@code R_min} after the warm-up.
 */
@Timeout(600)
class AssociationRunTest {

  /** Slots before the time averages start: ten reputation time constants ({@code 1/omega}). */
  static final int WARM_UP_SLOTS = 100;

  static final int SLOTS = 400;

  static Scenario starving() {
    return ScenarioFile.override(
        Scenario.defaults(), "{\"association\": \"decided\", \"seed\": 6}", null);
  }

  /** DPRA on the serving AP of the observation only (the simulator cannot hand it the others). */
  static Policy fixedAssociation(Dpra dpra) {
    return new Policy() {
      @Override
      public String name() {
        return "DPRA_FIXED_ASSOCIATION";
      }

      @Override
      public SlotDecision decide(SlotObservation observation) {
        return dpra.decide(observation);
      }
    };
  }

  @Test
  void nearestAssociationOfTheScenarioLeavesApZeroWithoutGateways() {
    Deployment deployment = Deployment.of(starving());
    assertThat(deployment.servedBy(0)).isEmpty();
    assertThat(deployment.decidesAssociation()).isTrue();
    for (int[] aps : deployment.inRange()) {
      assertThat(aps).hasSize(4).contains(0, 1, 2, 3);
    }
  }

  @Test
  void decidingTheAssociationKeepsEveryApAboveTheFloorWhereAFixedOneStarvesAp0() {
    ScenarioSystem system = new ScenarioSystem(starving());
    var parameters = system.environment().parameters();
    List<AlgorithmRun> runs =
        new SlotSimulator(system.environment(), 2)
            .run(
                List.of(fixedAssociation(new Dpra(parameters)), new Dpra(parameters)),
                system.draws(SLOTS, 1),
                SlotSimulator.Progress.NONE);
    double[] fixed = runs.get(0).timeAverageReputation(WARM_UP_SLOTS);
    double[] decided = runs.get(1).timeAverageReputation(WARM_UP_SLOTS);
    System.out.printf(
        "after %d warm-up slots: fixed %s (latency %.4f s), decided %s (latency %.4f s)%n",
        WARM_UP_SLOTS,
        Arrays.toString(fixed),
        runs.get(0).summary(parameters.rMin()).meanLatencySeconds(),
        Arrays.toString(decided),
        runs.get(1).summary(parameters.rMin()).meanLatencySeconds());
    assertThat(fixed[0]).as("AP 0 under the fixed association").isLessThan(parameters.rMin());
    for (int m = 0; m < decided.length; m++) {
      assertThat(decided[m])
          .as("AP %d with the association decided", m)
          .isGreaterThanOrEqualTo(parameters.rMin());
    }
  }

  @Test
  void everyServingApDpraChoosesIsInRangeAndSomeGatewaysMove() {
    ScenarioSystem system = new ScenarioSystem(starving());
    Deployment deployment = Deployment.of(starving());
    Dpra dpra = new Dpra(system.environment().parameters());
    double[] reputation = deployment.initialReputation().clone();
    double[] queue = new double[deployment.accessPoints()];
    var source = deployment.slots(1);
    int moved = 0;
    for (int t = 0; t < 20; t++) {
      var slot = source.slot(t);
      SlotObservation o = deployment.observe(slot, reputation, queue);
      var plan =
          dpra.decide(
              o, new io.bdt.optimizer.dpra.InRange(deployment.inRange(), slot.inRangeRate()));
      for (int n = 0; n < o.gateways(); n++) {
        assertThat(deployment.inRange()[n]).contains(plan.servingAp()[n]);
        if (o.hasTask(n) && plan.servingAp()[n] != deployment.servingAp()[n]) {
          moved++;
        }
      }
    }
    assertThat(moved).as("tasks served by an AP other than the nearest").isPositive();
  }
}
