package io.bdt.optimizer.dpra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.bdt.optimizer.model.SlotCost;
import java.util.List;
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
    assertWithinOracle(new SplittableRandom(7), Dpra.DEFAULT_ENUMERATION_LIMIT, false, 200, false);
  }

  /** The same criterion with enumeration switched off, so the coordination heuristic is tested. */
  @Test
  void priceCoordinationAloneStaysWithinHalfAPercentOfTheOracle() {
    assertWithinOracle(new SplittableRandom(8), 0, false, 200, false);
  }

  /**
   * With the reputation-value term the oracle solves the same objective: the plain one of the
   * priced observation ({@code Q_m + V rho_m}), which is what the second solve minimizes.
   */
  @Test
  void withReputationValueStaysWithinHalfAPercentOfTheOracleOnTheSameObjective() {
    assertWithinOracle(new SplittableRandom(9), Dpra.DEFAULT_ENUMERATION_LIMIT, true, 200, false);
  }

  /**
   * After a decided slot DPRA prices reputation with its running estimate instead of the slot's own
   * block rates; the oracle gets that priced observation and must not beat DPRA on it either.
   */
  @Test
  void withALearntReputationValueStaysWithinHalfAPercentOfTheOracleOnTheSameObjective() {
    assertWithinOracle(new SplittableRandom(10), Dpra.DEFAULT_ENUMERATION_LIMIT, true, 100, true);
  }

  private static void assertWithinOracle(
      SplittableRandom random,
      long limit,
      boolean reputationValue,
      int instances,
      boolean afterOneSlot) {
    int accepted = 0;
    double worst = Double.NEGATIVE_INFINITY;
    while (accepted < instances) {
      var instance =
          RandomInstances.instance(random, 1 + random.nextInt(3), 1 + random.nextInt(2), 3, 6);
      SystemParameters parameters = instance.parameters();
      Dpra policy = new Dpra(parameters, limit, reputationValue);
      if (afterOneSlot) {
        policy.decide(instance.observation());
        assertThat(policy.reputationValueEstimate()).isNotNull();
      }
      SlotObservation observation = policy.objectiveObservation(instance.observation());
      SlotPlan oracle = new BruteForceOracle(parameters).plan(observation);
      SlotCost oracleCost = SlotCost.evaluate(observation, parameters, oracle.decision());
      if (Math.abs(oracleCost.objective())
          < 0.05 * magnitude(observation, parameters, oracleCost)) {
        continue;
      }
      accepted++;
      SlotPlan dpra = policy.plan(instance.observation());
      double dpraObjective =
          SlotCost.evaluate(observation, parameters, dpra.decision()).objective();
      double gap = (dpraObjective - oracleCost.objective()) / Math.abs(oracleCost.objective());
      worst = Math.max(worst, gap);
      assertThat(gap).as("relative gap to the oracle, instance %d", accepted).isLessThan(0.005);
    }
    System.out.printf(
        "DPRA vs oracle (limit %d, reputation value %b): worst relative gap %.3e%n",
        limit, reputationValue, worst);
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
      // plain form: with the reputation-value term each search would price its own plain decision
      SlotPlan exhaustive =
          new Dpra(instance.parameters(), Long.MAX_VALUE, false).plan(instance.observation());
      SlotPlan coordinated = new Dpra(instance.parameters(), 0, false).plan(instance.observation());
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
      Dpra dpra = new Dpra(instance.parameters());
      SlotPlan plan = dpra.plan(instance.observation());
      double evaluated =
          SlotCost.evaluate(
                  dpra.objectiveObservation(instance.observation()),
                  instance.parameters(),
                  plan.decision())
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
      Dpra dpra = new Dpra(instance.parameters());
      // the objective of the next decision: decide() then records the slot in the estimate
      SlotObservation objective = dpra.objectiveObservation(instance.observation());
      SlotDecision decision = dpra.decide(instance.observation());
      AllocationProblem problem =
          AllocationProblem.of(objective, instance.parameters(), decision.cut());
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
      SystemParameters parameters = instance.parameters();
      Dpra dpra = new Dpra(parameters, 0);
      SlotPlan plan = dpra.plan(instance.observation());
      SlotObservation observation = dpra.objectiveObservation(instance.observation());
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

  @Test
  void reputationValueIsEtaTimesBlockRateOverOmegaTimesTotalRateSquared() {
    SystemParameters p = new SystemParameters(10, 16, 1000, 8e7, 2, 0.1, 0.3, 0.15);
    double[] reputation = {0.0, 0.5};
    double[] mining = {8e9, 0};
    double[] rho = Dpra.reputationValue(p, reputation, mining);
    double rate = 8e9 / (1000 * 8e7); // 0.1 blocks/s, only AP 0 mines
    assertThat(rho[0]).isCloseTo(2 * rate / (0.1 * rate * rate), within(1e-9));
    assertThat(rho[1]).isZero();
  }

  @Test
  void reputationValueRaisesEveryQueueByVTimesRho() {
    var instance = RandomInstances.instance(new SplittableRandom(21), 6, 3, 4, 8);
    SystemParameters p = instance.parameters();
    SlotObservation o = instance.observation();
    Dpra dpra = new Dpra(p);
    double[] mining = Dpra.plain(p).decide(o).miningShare();
    double[] rho = Dpra.reputationValue(p, o.reputation(), mining);
    SlotObservation priced = dpra.objectiveObservation(o);
    for (int m = 0; m < o.accessPoints(); m++) {
      assertThat(priced.virtualQueue()[m])
          .isCloseTo(o.virtualQueue()[m] + p.v() * rho[m], within(1e-12));
    }
  }

  @Test
  void decisionWithReputationValueIsThePlainOptimumOfThePricedObservation() {
    SplittableRandom random = new SplittableRandom(22);
    for (int trial = 0; trial < 30; trial++) {
      var instance =
          RandomInstances.instance(random, 1 + random.nextInt(12), 1 + random.nextInt(4), 2, 10);
      Dpra dpra = new Dpra(instance.parameters());
      SlotDecision priced =
          Dpra.plain(instance.parameters())
              .decide(dpra.objectiveObservation(instance.observation()));
      SlotDecision decision = dpra.decide(instance.observation());
      assertThat(decision.cut()).containsExactly(priced.cut());
      assertThat(decision.miningShare()).containsExactly(priced.miningShare());
    }
  }

  @Test
  void afterTheFirstSlotReputationIsPricedAtTheMeanOfTheRealizedValues() {
    SplittableRandom random = new SplittableRandom(24);
    var first = RandomInstances.instance(random, 6, 3, 4, 8);
    SystemParameters p = first.parameters();
    Dpra dpra = new Dpra(p);
    assertThat(dpra.reputationValueEstimate()).isNull();
    double[] sum = new double[3];
    SlotObservation o = first.observation();
    for (SlotObservation slotObservation : List.of(o, RandomInstances.withAllTasks(o), o)) {
      SlotDecision decision = dpra.decide(slotObservation);
      double[] realized =
          Dpra.reputationValue(p, slotObservation.reputation(), decision.miningShare());
      for (int m = 0; m < 3; m++) {
        sum[m] += realized[m];
      }
    }
    double[] estimate = dpra.reputationValueEstimate();
    SlotObservation priced = dpra.objectiveObservation(o);
    for (int m = 0; m < 3; m++) {
      assertThat(estimate[m]).isCloseTo(sum[m] / 3, within(1e-12 * sum[m]));
      assertThat(priced.virtualQueue()[m])
          .isCloseTo(o.virtualQueue()[m] + p.v() * sum[m] / 3, within(1e-9 * sum[m]));
    }
    assertThat(sum[0] + sum[1] + sum[2]).as("some AP mines and values reputation").isGreaterThan(0);
  }

  @Test
  void decisionAfterEarlierSlotsIsThePlainOptimumOfThePricedObservation() {
    var instance = RandomInstances.instance(new SplittableRandom(25), 8, 3, 2, 10);
    SlotObservation o = instance.observation();
    Dpra dpra = new Dpra(instance.parameters());
    dpra.decide(RandomInstances.withAllTasks(o));
    dpra.decide(o);
    SlotDecision expected = Dpra.plain(instance.parameters()).decide(dpra.objectiveObservation(o));
    SlotDecision decision = dpra.decide(o);
    assertThat(decision.cut()).containsExactly(expected.cut());
    assertThat(decision.miningShare()).containsExactly(expected.miningShare());
  }

  @Test
  void plainFormLearnsNothing() {
    var instance = RandomInstances.instance(new SplittableRandom(26), 4, 2, 2, 6);
    Dpra plain = Dpra.plain(instance.parameters());
    plain.decide(instance.observation());
    assertThat(plain.reputationValueEstimate()).isNull();
    assertThat(plain.objectiveObservation(instance.observation())).isSameAs(instance.observation());
  }

  @Test
  void withoutDifficultyDiscountReputationValueChangesNothing() {
    var instance = RandomInstances.instance(new SplittableRandom(23), 6, 2, 4, 8);
    SystemParameters p = instance.parameters();
    SystemParameters noDiscount =
        new SystemParameters(
            p.v(),
            p.apFlopsPerCycle(),
            p.cyclesPerHash(),
            p.baseDifficulty(),
            0,
            p.omega(),
            p.rMin(),
            p.consensusOverheadSeconds());
    SlotObservation o = instance.observation();
    SlotDecision valued = new Dpra(noDiscount).decide(o);
    SlotDecision plain = Dpra.plain(noDiscount).decide(o);
    assertThat(valued.cut()).containsExactly(plain.cut());
    assertThat(valued.miningShare()).containsExactly(plain.miningShare());
  }
}
