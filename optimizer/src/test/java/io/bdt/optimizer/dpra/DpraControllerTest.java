package io.bdt.optimizer.dpra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DpraControllerTest {

  private static final SystemParameters PARAMETERS =
      new SystemParameters(1, 16, 1000, 8e7, 2, 0.1, 0.3, 0.2);

  @Test
  void recordedContributionsUpdateReputationThenQueue() {
    DpraController controller = new DpraController(PARAMETERS, new double[] {0.5, 0.0});
    controller.recordContribution(new double[] {1.0, 0.0});
    // R = 0.9 R + 0.1 x;  Q = max(Q + 0.3 - R, 0)
    assertThat(controller.reputation()[0]).isCloseTo(0.55, within(1e-15));
    assertThat(controller.reputation()[1]).isZero();
    assertThat(controller.virtualQueue()[0]).isZero();
    assertThat(controller.virtualQueue()[1]).isCloseTo(0.3, within(1e-15));
    controller.recordContribution(new double[] {0.0, 0.0});
    assertThat(controller.virtualQueue()[1]).isCloseTo(0.6, within(1e-15));
  }

  @Test
  void decidesWithItsOwnReputationAndQueues() {
    var instance = RandomInstances.instance(new SplittableRandom(21), 6, 2, 3, 6);
    SlotObservation o = instance.observation();
    DpraController controller = new DpraController(instance.parameters(), new double[] {0.2, 0.9});
    controller.recordContribution(new double[] {0.0, 0.0});
    controller.recordContribution(new double[] {0.0, 0.0});
    SlotDecision own =
        controller.decide(
            o.taskSamples(),
            o.models(),
            o.servingAp(),
            o.uplinkRate(),
            o.gatewayFlopsPerSecond(),
            o.apBudget());
    SlotDecision explicit =
        new Dpra(instance.parameters())
            .decide(
                new SlotObservation(
                    o.taskSamples(),
                    o.models(),
                    o.servingAp(),
                    o.uplinkRate(),
                    o.gatewayFlopsPerSecond(),
                    o.apBudget(),
                    controller.reputation(),
                    controller.virtualQueue()));
    assertThat(own.cut()).containsExactly(explicit.cut());
    assertThat(own.miningShare()).containsExactly(explicit.miningShare());
  }

  @Test
  void aLongerReputationQueueMovesAnApFromMiningToInference() {
    var instance = RandomInstances.instance(new SplittableRandom(22), 4, 2, 4, 4);
    SlotObservation o = instance.observation();
    double previous = -1;
    for (double queue : new double[] {0, 5, 20, 80}) {
      SlotObservation withQueue =
          new SlotObservation(
              new int[] {5, 5, 5, 5},
              o.models(),
              new int[] {0, 1, 0, 1},
              o.uplinkRate(),
              o.gatewayFlopsPerSecond(),
              o.apBudget(),
              o.reputation(),
              new double[] {queue, 0});
      double inference =
          o.apBudget()[0] - new Dpra(instance.parameters()).decide(withQueue).miningShare()[0];
      assertThat(inference)
          .as("AP 0 inference at Q_0 = %s", queue)
          .isGreaterThanOrEqualTo(previous);
      previous = inference;
    }
    assertThat(previous)
        .as("a large queue turns AP 0 into a pure inference server")
        .isEqualTo(o.apBudget()[0]);
  }

  @Test
  void rejectsContributionsForTheWrongNumberOfAps() {
    DpraController controller = new DpraController(PARAMETERS, new double[] {0.5, 0.5});
    assertThatThrownBy(() -> controller.recordContribution(new double[] {0.1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("M = 2");
  }
}
