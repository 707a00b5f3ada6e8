package io.bdt.optimizer.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.optimizer.dpra.Policy;
import io.bdt.optimizer.dpra.SlotDecision;
import io.bdt.optimizer.dpra.SlotObservation;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GreedyTest {

  @Test
  void asksTheOptimiserWithEveryVirtualQueueAtZeroAndKeepsTheRestOfTheSlot() {
    List<SlotObservation> seen = new ArrayList<>();
    Policy recorder =
        new Policy() {
          @Override
          public String name() {
            return "recorder";
          }

          @Override
          public SlotDecision decide(SlotObservation observation) {
            seen.add(observation);
            return new LocalOnly().decide(observation);
          }
        };
    SlotObservation observation = SlotFixtures.observation(1e7);
    observation.virtualQueue()[0] = 5;
    observation.virtualQueue()[1] = 9;

    new Greedy(recorder).decide(observation);

    assertThat(seen).hasSize(1);
    assertThat(seen.get(0).virtualQueue()).containsOnly(0.0);
    assertThat(seen.get(0).uplinkRate()).isEqualTo(observation.uplinkRate());
    assertThat(seen.get(0).reputation()).isEqualTo(observation.reputation());
  }

  @Test
  void isNamedGreedy() {
    assertThat(new Greedy(new LocalOnly()).name()).isEqualTo("GREEDY");
  }
}
