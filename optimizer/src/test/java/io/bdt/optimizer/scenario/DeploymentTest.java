package io.bdt.optimizer.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.optimizer.cost.BuiltinModels;
import io.bdt.optimizer.dpra.SlotObservation;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DeploymentTest {

  private static final Deployment DEFAULT = Deployment.of(Scenario.defaults());

  @Test
  void gatewaysCycleThroughTheModelMix() {
    assertThat(DEFAULT.models()).hasSize(10);
    assertThat(DEFAULT.models().get(1)).isEqualTo(BuiltinModels.get("vgg16"));
    assertThat(DEFAULT.models().get(6)).isEqualTo(BuiltinModels.get("vgg16"));
    assertThat(DEFAULT.models().get(9)).isEqualTo(BuiltinModels.get("vibration"));
  }

  @Test
  void roundRobinServesGatewayNFromApNModM() {
    assertThat(DEFAULT.servingAp()).containsExactly(0, 1, 2, 3, 0, 1, 2, 3, 0, 1);
    assertThat(DEFAULT.servedBy(1)).containsExactly(1, 5, 9);
  }

  @Test
  void distancesLieInTheScenarioRangeAndDependOnTheSeed() {
    for (double d : DEFAULT.distanceMeters()) {
      assertThat(d).isBetween(50.0, 200.0);
    }
    Deployment again = Deployment.of(Scenario.defaults());
    assertThat(again.distanceMeters()).containsExactly(DEFAULT.distanceMeters());
    Deployment reseeded = Deployment.of(Scenario.defaults().withSeed(43));
    assertThat(reseeded.distanceMeters()).isNotEqualTo(DEFAULT.distanceMeters());
  }

  @Test
  void addingGatewaysKeepsTheExistingOnesWhereTheyWere() {
    Deployment more = Deployment.of(Scenario.defaults().withGateways(16));
    assertThat(Arrays.copyOf(more.distanceMeters(), 10)).containsExactly(DEFAULT.distanceMeters());
  }

  @Test
  void nearestAssociationPicksTheClosestOfIndependentDrops() {
    Scenario nearest =
        ScenarioFile.override(
            Scenario.defaults(), "{\"association\": \"nearest\", \"gateways\": 200}", Path.of("."));
    Deployment deployment = Deployment.of(nearest);
    // The nearest of 4 uniform drops on [50, 200] has mean 50 + 150/5 = 80 m.
    double mean = Arrays.stream(deployment.distanceMeters()).average().orElseThrow();
    assertThat(mean).isBetween(70.0, 90.0);
    // Every AP serves someone among 200 gateways.
    for (int ap = 0; ap < 4; ap++) {
      assertThat(deployment.servedBy(ap)).isNotEmpty();
    }
  }

  @Test
  void computeRatesAndParametersComeFromTheScenario() {
    assertThat(DEFAULT.gatewayFlopsPerSecond()).containsOnly(12e9);
    assertThat(DEFAULT.apBudget()).containsExactly(20e9, 20e9, 20e9, 20e9);
    assertThat(DEFAULT.initialReputation()).containsOnly(0.5);
    assertThat(DEFAULT.parameters().consensusOverheadSeconds()).isEqualTo(0.1 + 0.05);
    assertThat(DEFAULT.parameters().v()).isEqualTo(1.0);
    assertThat(DEFAULT.channel().bandwidthHz()).isEqualTo(10e6);
  }

  @Test
  void observationCombinesTheFixedPartTheSlotAndTheApState() {
    SlotSource.Slot slot = DEFAULT.slots(2).slot(8);
    double[] reputation = {0.1, 0.2, 0.3, 0.4};
    double[] queue = {0, 1, 2, 3};
    SlotObservation observation = DEFAULT.observe(slot, reputation, queue);
    assertThat(observation.taskSamples()).containsExactly(slot.taskSamples());
    assertThat(observation.uplinkRate()).containsExactly(slot.uplinkRate());
    assertThat(observation.models()).isEqualTo(DEFAULT.models());
    assertThat(observation.servingAp()).containsExactly(DEFAULT.servingAp());
    assertThat(observation.reputation()).containsExactly(reputation);
    assertThat(observation.virtualQueue()).containsExactly(queue);
  }
}
