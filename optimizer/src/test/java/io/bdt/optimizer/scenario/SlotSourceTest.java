package io.bdt.optimizer.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlotSourceTest {

  private static final Deployment DEFAULT = Deployment.of(Scenario.defaults());

  @Test
  void sameSeedGivesTheSameSlots() {
    List<SlotSource.Slot> a = DEFAULT.slots(5).first(20);
    List<SlotSource.Slot> b = Deployment.of(Scenario.defaults()).slots(5).first(20);
    for (int t = 0; t < 20; t++) {
      assertThat(b.get(t).uplinkRate()).containsExactly(a.get(t).uplinkRate());
      assertThat(b.get(t).taskSamples()).containsExactly(a.get(t).taskSamples());
    }
  }

  @Test
  void aSlotDoesNotDependOnWhichSlotsWereDrawnBefore() {
    SlotSource source = DEFAULT.slots(5);
    double[] direct = source.slot(37).uplinkRate();
    assertThat(source.first(40).get(37).uplinkRate()).containsExactly(direct);
  }

  @Test
  void anotherSeedGivesOtherSlots() {
    assertThat(DEFAULT.slots(6).slot(0).fadingPower())
        .isNotEqualTo(DEFAULT.slots(5).slot(0).fadingPower());
  }

  @Test
  void existingGatewaysKeepTheirDrawsWhenGatewaysAreAdded() {
    Deployment more = Deployment.of(Scenario.defaults().withGateways(13));
    SlotSource.Slot small = DEFAULT.slots(9).slot(4);
    SlotSource.Slot large = more.slots(9).slot(4);
    assertThat(Arrays.copyOf(large.uplinkRate(), 10)).containsExactly(small.uplinkRate());
    assertThat(Arrays.copyOf(large.taskSamples(), 10)).containsExactly(small.taskSamples());
  }

  @Test
  void ratesFollowTheChannelModelAtEachGatewaysDistance() {
    SlotSource.Slot slot = DEFAULT.slots().slot(3);
    for (int n = 0; n < DEFAULT.gateways(); n++) {
      double gain = DEFAULT.channel().gain(DEFAULT.distanceMeters()[n], slot.fadingPower()[n]);
      assertThat(slot.channelGain()[n]).isEqualTo(gain);
      assertThat(slot.uplinkRate()[n]).isEqualTo(DEFAULT.channel().uplinkRate(gain));
    }
  }

  @Test
  void taskArrivalsMatchBernoulliTimesUniformSizes() {
    // p = 0.8, b ~ U{1..4}: P(b = 0) = 0.2 and E[b] = 0.8 * 2.5 = 2.0 per gateway-slot.
    int slots = 5000;
    long empty = 0;
    long samples = 0;
    double fading = 0;
    int draws = 0;
    for (SlotSource.Slot slot : DEFAULT.slots(11).first(slots)) {
      for (int n = 0; n < slot.taskSamples().length; n++) {
        int b = slot.taskSamples()[n];
        assertThat(b).isBetween(0, 4);
        empty += b == 0 ? 1 : 0;
        samples += b;
        fading += slot.fadingPower()[n];
        draws++;
      }
    }
    // 50 000 draws: standard errors 0.0018 (empty share), 0.006 (mean size), 0.0045 (fading).
    assertThat((double) empty / draws).isBetween(0.19, 0.21);
    assertThat((double) samples / draws).isBetween(1.97, 2.03);
    assertThat(fading / draws).isBetween(0.977, 1.023);
  }
}
