package io.bdt.optimizer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.bdt.optimizer.cost.CostTable;
import io.bdt.optimizer.dpra.SlotDecision;
import io.bdt.optimizer.dpra.SlotObservation;
import io.bdt.optimizer.dpra.SystemParameters;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlotCostTest {

  /** Three cuts: full offload, a middle cut, fully local; 100 FLOPs per sample in total. */
  static final CostTable TABLE =
      new CostTable(
          "toy",
          1000,
          10,
          List.of(
              new CostTable.Cut(0, "input", 0, 100, 1000),
              new CostTable.Cut(1, "mid", 40, 60, 200),
              new CostTable.Cut(2, "output", 100, 0, 0)));

  /** eta = ln 2 so that D_m = 100 at R = 0 and 50 at R = 1. */
  static final SystemParameters PARAMS =
      new SystemParameters(2, 4, 10, 100, Math.log(2), 0.5, 0.3, 0.5);

  /** Gateway 0: 2 samples via AP 0; gateway 1: 1 sample via AP 1. */
  static SlotObservation observation(int samples0, int samples1) {
    return new SlotObservation(
        new int[] {samples0, samples1},
        List.of(TABLE, TABLE),
        new int[] {0, 1},
        new double[] {400, 100},
        new double[] {20, 50},
        new double[] {10, 20},
        new double[] {1.0, 0.0},
        new double[] {3, 4});
  }

  static final SlotDecision DECISION =
      new SlotDecision(new int[] {1, 2}, new double[] {5, 0}, new double[] {5, 20});

  @Test
  void offloadedLatencyIsHeadPlusTransmitPlusTail() {
    SlotCost cost = SlotCost.evaluate(observation(2, 1), PARAMS, DECISION);
    // 2*40/20 + 2*200/400 + 2*60/(4*5) = 4 + 1 + 6
    assertThat(cost.gatewayLatency()[0]).isCloseTo(11.0, within(1e-12));
  }

  @Test
  void fixedCostsAddPerSampleHeadRunsAndPerSampleOffloads() {
    SlotObservation o = observation(2, 1);
    SlotObservation withFixed =
        new SlotObservation(
            o.taskSamples(),
            o.models(),
            o.servingAp(),
            o.uplinkRate(),
            o.gatewayFlopsPerSecond(),
            o.apBudget(),
            o.reputation(),
            o.virtualQueue(),
            new double[] {0.25, 0.5},
            new double[] {1.5, 3});
    SlotCost cost = SlotCost.evaluate(withFixed, PARAMS, DECISION);
    // offloaded (2 samples): 11 + 2 * (0.25 + 1.5); fully local (1 sample): 2 + 0.5, no offload
    assertThat(cost.gatewayLatency()[0]).isCloseTo(14.5, within(1e-12));
    assertThat(cost.gatewayLatency()[1]).isCloseTo(2.5, within(1e-12));
    assertThat(withFixed.withVirtualQueue(new double[] {0, 0}).offloadSeconds())
        .containsExactly(1.5, 3);
  }

  /** {@code observation(2, 1)} with the measured {@code phi_A} {@code [gateway][AP]}. */
  static SlotObservation measuredApSpeed(double[][] phi) {
    SlotObservation o = observation(2, 1);
    return new SlotObservation(
        o.taskSamples(),
        o.models(),
        o.servingAp(),
        o.uplinkRate(),
        o.gatewayFlopsPerSecond(),
        o.apBudget(),
        o.reputation(),
        o.virtualQueue(),
        o.headRunSeconds(),
        o.offloadSeconds(),
        phi);
  }

  @Test
  void aMeasuredApSpeedReplacesTheGenesisPhiAInTheTail() {
    SlotObservation o = measuredApSpeed(new double[][] {{1, 0}, {0, 0}});
    SlotCost cost = SlotCost.evaluate(o, PARAMS, DECISION);
    // 2*40/20 + 2*200/400 + 2*60/(1*5): the AP runs the tail at 1 FLOP per cycle, not 4
    assertThat(cost.gatewayLatency()[0]).isCloseTo(4 + 1 + 24, within(1e-12));
    // gateway 1 has measured nothing: the genesis' phi_A
    assertThat(o.apFlopsPerCycle(1, PARAMS)).isEqualTo(4);
  }

  @Test
  void aMeasuredApSpeedFollowsTheGatewayToTheApThatServesIt() {
    SlotObservation o = measuredApSpeed(new double[][] {{1, 0}, {0, 0}});
    // gateway 0 moved to AP 1, where it has measured nothing: the genesis' phi_A = 4 again
    SlotObservation moved =
        new io.bdt.optimizer.dpra.InRange(
                new int[][] {{0, 1}, {1}}, new double[][] {{400, 400}, {100}})
            .resolve(o, new int[] {1, 1});
    assertThat(moved.apFlopsPerCycle(0, PARAMS)).isEqualTo(4);
  }

  @Test
  void rejectsANegativeMeasuredApSpeedByName() {
    assertThatThrownBy(() -> measuredApSpeed(new double[][] {{-1, 0}, {0, 0}}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("apFlopsPerCycle[0]");
  }

  @Test
  void rejectsANegativeOffloadCostByName() {
    SlotObservation o = observation(2, 1);
    assertThatThrownBy(
            () ->
                new SlotObservation(
                    o.taskSamples(),
                    o.models(),
                    o.servingAp(),
                    o.uplinkRate(),
                    o.gatewayFlopsPerSecond(),
                    o.apBudget(),
                    o.reputation(),
                    o.virtualQueue(),
                    new double[2],
                    new double[] {0, -1}))
        .hasMessageContaining("SlotObservation.offloadSeconds[1] must be finite and >= 0 s");
  }

  @Test
  void fullyLocalLatencyIsTheWholeModelOnTheGateway() {
    SlotCost cost = SlotCost.evaluate(observation(2, 1), PARAMS, DECISION);
    assertThat(cost.gatewayLatency()[1]).isCloseTo(100.0 / 50, within(1e-12));
  }

  @Test
  void gatewayWithoutTaskHasNoLatency() {
    SlotDecision decision =
        new SlotDecision(new int[] {1, 2}, new double[] {0, 0}, new double[] {10, 20});
    SlotCost cost = SlotCost.evaluate(observation(0, 1), PARAMS, decision);
    assertThat(cost.gatewayLatency()[0]).isZero();
  }

  @Test
  void consensusLatencyIsInverseTotalBlockRatePlusOverhead() {
    SlotCost cost = SlotCost.evaluate(observation(2, 1), PARAMS, DECISION);
    // lambda_0 = (5/10)/50 = 0.01, lambda_1 = (20/10)/100 = 0.02
    assertThat(cost.consensusLatency()).isCloseTo(1 / 0.03 + 0.5, within(1e-12));
  }

  @Test
  void consensusLatencyIsInfiniteWhenNoApMines() {
    double latency = SlotCost.consensusLatency(observation(2, 1), PARAMS, new double[] {0, 0});
    assertThat(latency).isInfinite();
  }

  @Test
  void contributionShareAndNextReputationFollowTheServedInference() {
    SlotCost cost = SlotCost.evaluate(observation(2, 1), PARAMS, DECISION);
    assertThat(cost.contributionShare()).containsExactly(0.5, 0.0);
    // R(t+1) = 0.5 * R(t) + 0.5 * x
    assertThat(cost.nextReputation()).containsExactly(0.75, 0.0);
  }

  @Test
  void objectiveIsVTimesLatencyMinusQueueWeightedNextReputation() {
    SlotCost cost = SlotCost.evaluate(observation(2, 1), PARAMS, DECISION);
    double latency = 11 + 2 + (1 / 0.03 + 0.5);
    assertThat(cost.totalLatency()).isCloseTo(latency, within(1e-12));
    assertThat(cost.objective()).isCloseTo(2 * latency - (3 * 0.75 + 4 * 0.0), within(1e-12));
  }

  @Test
  void objectiveDifferencesIgnoreTheConstantReputationTerm() {
    SlotObservation obs = observation(2, 1);
    SlotDecision other =
        new SlotDecision(new int[] {0, 2}, new double[] {8, 0}, new double[] {2, 20});
    SlotCost a = SlotCost.evaluate(obs, PARAMS, DECISION);
    SlotCost b = SlotCost.evaluate(obs, PARAMS, other);
    double decisionDependent =
        PARAMS.v() * (b.totalLatency() - a.totalLatency())
            - 3 * PARAMS.omega() * (b.contributionShare()[0] - a.contributionShare()[0]);
    assertThat(b.objective() - a.objective()).isCloseTo(decisionDependent, within(1e-9));
  }

  @Test
  void rejectsDecisionWithWrongNumberOfCuts() {
    SlotDecision bad = new SlotDecision(new int[] {1}, new double[] {5, 0}, new double[] {5, 20});
    assertThatThrownBy(() -> SlotCost.validate(observation(2, 1), bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SlotDecision.cut")
        .hasMessageContaining("N = 2");
  }

  @Test
  void rejectsCutOutsideTheCostTable() {
    SlotDecision bad =
        new SlotDecision(new int[] {3, 2}, new double[] {5, 0}, new double[] {5, 20});
    assertThatThrownBy(() -> SlotCost.validate(observation(2, 1), bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SlotDecision.cut[0] = 3")
        .hasMessageContaining("cuts 0..2");
  }

  @Test
  void rejectsNegativeMiningShare() {
    SlotDecision bad =
        new SlotDecision(new int[] {1, 2}, new double[] {5, 0}, new double[] {5, -1});
    assertThatThrownBy(() -> SlotCost.validate(observation(2, 1), bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("miningShare[1]");
  }

  @Test
  void rejectsApOverBudget() {
    SlotDecision bad =
        new SlotDecision(new int[] {1, 2}, new double[] {6, 0}, new double[] {5, 20});
    assertThatThrownBy(() -> SlotCost.validate(observation(2, 1), bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("AP 0 is over budget");
  }

  @Test
  void acceptsBudgetExceededOnlyByRounding() {
    SlotDecision rounded =
        new SlotDecision(new int[] {1, 2}, new double[] {5 + 1e-12, 0}, new double[] {5, 20});
    SlotCost.validate(observation(2, 1), rounded);
  }

  @Test
  void rejectsInferenceShareForFullyLocalGateway() {
    SlotDecision bad =
        new SlotDecision(new int[] {1, 2}, new double[] {5, 1}, new double[] {5, 19});
    assertThatThrownBy(() -> SlotCost.validate(observation(2, 1), bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("inferenceShare[1]")
        .hasMessageContaining("runs fully local");
  }

  @Test
  void rejectsInferenceShareForGatewayWithoutTask() {
    SlotDecision bad =
        new SlotDecision(new int[] {1, 2}, new double[] {5, 0}, new double[] {5, 20});
    assertThatThrownBy(() -> SlotCost.validate(observation(0, 1), bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has no task");
  }
}
