package io.bdt.optimizer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ChannelTest {

  private static final Channel DEFAULT_UPLINK =
      new Channel(PathLoss.urbanMacro(), 10e6, 0.2, Channel.dbmPerHzToWattsPerHz(-174));

  @Test
  void pathLossAt100MetresIs90Point5Db() {
    // 128.1 + 37.6 * log10(0.1 km) = 128.1 - 37.6
    assertThat(PathLoss.urbanMacro().lossDb(100)).isCloseTo(90.5, within(1e-12));
  }

  @Test
  void beta0AlphaFormEqualsTheDbForm() {
    PathLoss law = PathLoss.urbanMacro();
    assertThat(law.alpha()).isCloseTo(3.76, within(1e-12));
    // beta0 = 10^(-(128.1 - 112.8)/10) = 10^(-1.53)
    assertThat(law.beta0()).isCloseTo(0.029512092266663976, within(1e-15));
    for (double d : new double[] {1, 50, 137.5, 200, 5000}) {
      assertThat(law.gain(d))
          .isCloseTo(Math.pow(10, -law.lossDb(d) / 10), within(1e-12 * law.gain(d)));
    }
  }

  @Test
  void noiseDensityMinus174DbmPerHzIsFourZeptoWattsPerHz() {
    // -174 dBm/Hz = -204 dBW/Hz = 10^-20.4 W/Hz
    assertThat(Channel.dbmPerHzToWattsPerHz(-174)).isCloseTo(3.981071705534972e-21, within(1e-33));
    assertThat(Channel.dbmPerHzToWattsPerHz(30)).isCloseTo(1.0, within(1e-15));
  }

  @Test
  void snrAt100MetresWithUnitFadingMatchesTheLinkBudget() {
    // By hand: p = 0.2 W = 23.0103 dBm; received 23.0103 - 90.5 = -67.4897 dBm;
    // noise -174 dBm/Hz + 10 log10(10 MHz) = -104 dBm; SNR = 36.5103 dB = 4477.44.
    double gain = DEFAULT_UPLINK.gain(100, 1.0);
    assertThat(10 * Math.log10(DEFAULT_UPLINK.snr(gain))).isCloseTo(36.5103, within(1e-4));
    assertThat(DEFAULT_UPLINK.snr(gain)).isCloseTo(4477.44, within(0.01));
  }

  @Test
  void uplinkRateAt100MetresWithUnitFadingIs121MegabitsPerSecond() {
    // r = 10e6 * log2(1 + 4477.44) = 10e6 * 12.12878 bit/s
    double rate = DEFAULT_UPLINK.uplinkRate(DEFAULT_UPLINK.gain(100, 1.0));
    assertThat(rate).isCloseTo(121.2878e6, within(100.0));
  }

  @Test
  void uplinkRateIsZeroInAFullFadeAndGrowsWithGain() {
    assertThat(DEFAULT_UPLINK.uplinkRate(0.0)).isZero();
    double near = DEFAULT_UPLINK.uplinkRate(DEFAULT_UPLINK.gain(50, 1.0));
    double far = DEFAULT_UPLINK.uplinkRate(DEFAULT_UPLINK.gain(200, 1.0));
    assertThat(near).isGreaterThan(far);
  }

  @Test
  void rayleighFadingPowerHasMeanOne() {
    // |h|^2 ~ Exp(1) has standard deviation 1, so the mean of n = 200 000 draws has standard
    // error 1/sqrt(n) = 0.0022; the bound 0.011 is five standard errors.
    SplittableRandom random = new SplittableRandom(7);
    int n = 200_000;
    double sum = 0;
    int aboveOne = 0;
    for (int i = 0; i < n; i++) {
      double power = Channel.drawFadingPower(random);
      assertThat(power).isGreaterThanOrEqualTo(0.0);
      sum += power;
      if (power > 1) {
        aboveOne++;
      }
    }
    assertThat(sum / n).isCloseTo(1.0, within(0.011));
    // P(|h|^2 > 1) = e^-1 for Exp(1); binomial standard error sqrt(p(1-p)/n) = 0.0011.
    assertThat((double) aboveOne / n).isCloseTo(Math.exp(-1), within(0.0055));
  }

  @Test
  void sameSeedGivesSameGains() {
    double a = DEFAULT_UPLINK.drawGain(120, new SplittableRandom(3));
    double b = DEFAULT_UPLINK.drawGain(120, new SplittableRandom(3));
    assertThat(a).isEqualTo(b);
  }

  @Test
  void rejectsNonPositiveBandwidthNamingTheField() {
    assertThatThrownBy(() -> new Channel(PathLoss.urbanMacro(), -1.0, 0.2, 1e-20))
        .hasMessage("channel.bandwidthHz: must be > 0, was -1.0");
  }

  @Test
  void rejectsNonPositiveDistance() {
    assertThatThrownBy(() -> PathLoss.urbanMacro().gain(0.0))
        .hasMessage("distanceMeters: must be > 0, was 0.0");
  }
}
