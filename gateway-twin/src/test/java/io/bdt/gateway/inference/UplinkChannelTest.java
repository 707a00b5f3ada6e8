package io.bdt.gateway.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bdt.optimizer.model.Channel;
import io.bdt.optimizer.model.PathLoss;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The gateway's per-slot uplink rates to each AP from the system model's channel. */
@Timeout(10)
class UplinkChannelTest {
  static final Channel CHANNEL =
      new Channel(PathLoss.urbanMacro(), 10e6, 0.2, Channel.dbmPerHzToWattsPerHz(-174));

  @Test
  void aSlotsRateToAnApIsTheSameEveryTimeItIsAskedFor() {
    UplinkChannel c = new UplinkChannel(CHANNEL, new double[] {60, 110, 160}, 1);

    assertThat(c.rate(42, 1)).isEqualTo(c.rate(42, 1));
    assertThat(new UplinkChannel(CHANNEL, new double[] {60, 110, 160}, 1).rate(42, 1))
        .isEqualTo(c.rate(42, 1));
  }

  @Test
  void ratesVaryPerSlotAndPerApAndAFartherApIsSlowerOnAverage() {
    UplinkChannel c = new UplinkChannel(CHANNEL, new double[] {60, 160}, 7);
    double near = 0;
    double far = 0;
    int slots = 2000;
    for (long t = 0; t < slots; t++) {
      near += c.rate(t, 0);
      far += c.rate(t, 1);
    }
    assertThat(c.rate(1, 0)).isNotEqualTo(c.rate(2, 0));
    assertThat(c.rate(1, 0)).isNotEqualTo(c.rate(1, 1));
    assertThat(far / slots).isLessThan(near / slots);
    // the mean rate at 60 m with unit-mean fading is near B log2(1 + SNR(mean gain)) (Jensen:
    // below)
    double atMeanGain = CHANNEL.uplinkRate(CHANNEL.gain(60, 1));
    assertThat(near / slots).isLessThan(atMeanGain).isGreaterThan(0.8 * atMeanGain);
  }

  @Test
  void refusesADistanceThatIsNotPositiveNamingTheSetting() {
    assertThatThrownBy(() -> new UplinkChannel(CHANNEL, new double[] {60, 0}, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ap-distances-meters[1]: must be a finite distance > 0 m");
  }
}
