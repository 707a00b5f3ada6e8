package io.bdt.optimizer.dpra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.bdt.optimizer.model.SlotCost;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DpraTest {

  /**
   * The acceptance criterion: on random small slots DPRA's drift-plus-penalty value is never more
   * than 0.5% above the brute-force oracle's. The values compared are the full objective, constants
   * included; instances where that is close to zero (|J| below 5% of the sum of its terms'
   * magnitudes) are redrawn so that a relative gap means something.
   */
  @Test
  void staysWithinHalfAPercentOfTheOracleOnSmallSlots() {
    assertWithinOracle(new SplittableRandom(7), Dpra.DEFAULT_ENUMERATION_LIMIT, 200);
  }

  /** The same criterion with enumeration switched off, so the coordination heuristic is tested. */
  @Test
  void priceCoordinationAloneStaysWithinHalfAPercentOfTheOracle() {
    assertWithinOracle(new SplittableRandom(8), 0, 200);
  }

  private static void assertWithinOracle(SplittableRandom random, long limit, int instances) {
    int accepted = 0;
    double worst = Double.NEGATIVE_INFINITY;
    while (accepted < instances) {
      var instance =
          RandomInstances.instance(random, 1 + random.nextInt(3), 1 + random.nextInt(2), 3, 6);
      SlotObservation observation = instance.observation();
      SystemParameters parameters = instance.parameters();
      SlotPlan oracle = new BruteForceOracle(parameters).plan(observation);
      SlotCost oracleCost = SlotCost.evaluate(observation, parameters, oracle.decision());
      if (Math.abs(oracleCost.objective())
          < 0.05 * magnitude(observation, parameters, oracleCost)) {
        continue;
      }
      accepted++;
      SlotPlan dpra = new Dpra(parameters, limit).plan(observation);
      double dpraObjective =
          SlotCost.evaluate(observation, parameters, dpra.decision()).objective();
      double gap = (dpraObjective - oracleCost.objective()) / Math.abs(oracleCost.objective());
      worst = Math.max(worst, gap);
      assertThat(gap).as("relative gap to the oracle, instance %d", accepted).isLessThan(0.005);
    }
    System.out.printf("DPRA vs oracle (limit %d): worst relative gap %.3e%n", limit, worst);
  }

  /** {@code V (sum D_n + D^C) + sum_m Q_m R_m(t+1)}: the objective's terms taken positive. */
  static double magnitude(SlotObservation o, SystemParameters p, SlotCost cost) {
    double reputation = 0;
    for (int m = 0; m < o.accessPoints(); m++) {
      reputation += o.virtualQueue()[m] * cost.nextReputation()[m];
    }
    return p.v() * cost.totalLatency() + reputation;
  }

  @Test
  void coordinationMatchesExhaustiveSearchOnMediumSlots() {
    SplittableRandom random = new SplittableRandom(99);
    double worst = 0;
    for (int trial = 0; trial < 100; trial++) {
      var instance =
          RandomInstances.instance(random, 5 + random.nextInt(4), 2 + random.nextInt(2), 3, 4);
      SlotPlan exhaustive =
          new Dpra(instance.parameters(), Long.MAX_VALUE).plan(instance.observation());
      SlotPlan coordinated = new Dpra(instance.parameters(), 0).plan(instance.observation());
      assertThat(coordinated.objective())
          .isGreaterThanOrEqualTo(exhaustive.objective() - 1e-9 * Math.abs(exhaustive.objective()));
      worst =
          Math.max(
              worst,
              (coordinated.objective() - exhaustive.objective())
                  / Math.abs(exhaustive.objective()));
    }
    System.out.printf("coordination vs exhaustive: worst relative gap %.3e%n", worst);
    assertThat(worst).isLessThan(0.005);
  }

  @Test
  void reportedObjectiveIsTheSlotCostOfTheDecision() {
    SplittableRandom random = new SplittableRandom(3);
    for (int trial = 0; trial < 50; trial++) {
      var instance =
          RandomInstances.instance(random, 1 + random.nextInt(20), 1 + random.nextInt(5), 2, 10);
      SlotPlan plan = new Dpra(instance.parameters()).plan(instance.observation());
      double evaluated =
          SlotCost.evaluate(instance.observation(), instance.parameters(), plan.decision())
              .objective();
      assertThat(plan.objective()).isCloseTo(evaluated, within(1e-9 * Math.abs(evaluated)));
    }
  }

  @Test
  void decisionsAreFeasibleAndGiveIdleGatewaysNoShare() {
    SplittableRandom random = new SplittableRandom(4);
    for (int trial = 0; trial < 100; trial++) {
      var instance =
          RandomInstances.instance(random, 1 + random.nextInt(30), 1 + random.nextInt(6), 2, 12);
      SlotObservation observation = instance.observation();
      SlotDecision decision = new Dpra(instance.parameters()).decide(observation);
      // budgets, non-negative shares, no share without tail work: SlotCost's feasibility rules
      SlotCost.validate(observation, decision);
      for (int n = 0; n < observation.gateways(); n++) {
        if (!observation.hasTask(n)) {
          assertThat(decision.inferenceShare()[n]).isZero();
        }
      }
      for (double mining : decision.miningShare()) {
        assertThat(mining).isGreaterThanOrEqualTo(0);
      }
    }
  }

  @Test
  void sharesSatisfyKktConditionsForTheChosenCuts() {
    SplittableRandom random = new SplittableRandom(5);
    for (int trial = 0; trial < 100; trial++) {
      var instance =
          RandomInstances.instance(random, 1 + random.nextInt(30), 1 + random.nextInt(6), 2, 12);
      SlotDecision decision = new Dpra(instance.parameters()).decide(instance.observation());
      AllocationProblem problem =
          AllocationProblem.of(instance.observation(), instance.parameters(), decision.cut());
      Allocation allocation =
          new Allocation(
              decision.inferenceShare(),
              decision.miningShare(),
              problem.objective(decision.inferenceShare(), decision.miningShare()));
      KktCheck.assertStationary(problem, allocation, 1e-9);
    }
  }

  @Test
  void noSingleGatewayCutChangeImprovesTheCoordinatedDecision() {
    SplittableRandom random = new SplittableRandom(6);
    KktAllocator allocator = new KktAllocator();
    for (int trial = 0; trial < 20; trial++) {
      var instance =
          RandomInstances.instance(random, 10 + random.nextInt(10), 2 + random.nextInt(3), 4, 8);
      SlotObservation observation = instance.observation();
      SystemParameters parameters = instance.parameters();
      SlotPlan plan = new Dpra(parameters, 0).plan(observation);
      for (int n = 0; n < observation.gateways(); n++) {
        if (!observation.hasTask(n)) {
          continue;
        }
        for (int k = 0; k < observation.models().get(n).cuts().size(); k++) {
          int[] cut = plan.decision().cut().clone();
          cut[n] = k;
          Allocation allocation =
              allocator.allocate(AllocationProblem.of(observation, parameters, cut));
          double changed =
              SlotCost.evaluate(
                      observation,
                      parameters,
                      new SlotDecision(cut, allocation.inferenceShare(), allocation.miningShare()))
                  .objective();
          assertThat(changed)
              .as("gateway %d at cut %d", n, k)
              .isGreaterThanOrEqualTo(plan.objective() - 1e-9 * Math.abs(plan.objective()));
        }
      }
    }
  }

  @Test
  void slotWithoutTasksMinesEveryWholeBudget() {
    var instance = RandomInstances.instance(new SplittableRandom(13), 4, 2, 4, 4);
    SlotObservation o = instance.observation();
    SlotObservation idle =
        new SlotObservation(
            new int[4],
            o.models(),
            o.servingAp(),
            o.uplinkRate(),
            o.gatewayFlopsPerSecond(),
            o.apBudget(),
            o.reputation(),
            o.virtualQueue());
    SlotDecision decision = new Dpra(instance.parameters()).decide(idle);
    assertThat(decision.inferenceShare()).containsOnly(0.0);
    assertThat(decision.miningShare()).containsExactly(o.apBudget());
  }

  @Test
  void gatewayWithoutUplinkRunsFullyLocal() {
    var instance = RandomInstances.instance(new SplittableRandom(12), 3, 1, 4, 4);
    SlotObservation o = instance.observation();
    double[] rate = o.uplinkRate().clone();
    rate[0] = 0;
    int[] samples = o.taskSamples().clone();
    samples[0] = 5;
    SlotObservation noLink =
        new SlotObservation(
            samples,
            o.models(),
            o.servingAp(),
            rate,
            o.gatewayFlopsPerSecond(),
            o.apBudget(),
            o.reputation(),
            o.virtualQueue());
    SlotDecision decision = new Dpra(instance.parameters()).decide(noLink);
    assertThat(decision.cut()[0]).isEqualTo(o.models().get(0).fullyLocalCut());
  }
}
