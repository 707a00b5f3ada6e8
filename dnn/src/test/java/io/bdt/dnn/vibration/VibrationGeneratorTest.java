package io.bdt.dnn.vibration;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class VibrationGeneratorTest {

  /**
   * Amplitude (g) of the component at {@code hz} in {@code x}, by correlation with a Hann window.
   */
  private static double amplitudeAt(float[] x, double hz) {
    double re = 0;
    double im = 0;
    double windowSum = 0;
    for (int n = 0; n < x.length; n++) {
      double w = 0.5 - 0.5 * Math.cos(2 * Math.PI * n / x.length);
      double angle = 2 * Math.PI * hz * n / VibrationGenerator.SAMPLE_RATE_HZ;
      re += w * x[n] * Math.cos(angle);
      im += w * x[n] * Math.sin(angle);
      windowSum += w;
    }
    return 2 * Math.hypot(re, im) / windowSum;
  }

  private static double highBandEnergy(float[] x) {
    // first difference: a crude high-pass that leaves the 2.5-4 kHz resonance and the noise
    double e = 0;
    for (int n = 1; n < x.length; n++) {
      e += (x[n] - x[n - 1]) * (x[n] - x[n - 1]);
    }
    return e / x.length;
  }

  @Test
  void sameSeedGivesSameWindows() {
    assertThat(new VibrationGenerator(7).dataset(3))
        .isEqualTo(new VibrationGenerator(7).dataset(3));
  }

  @Test
  void differentSeedsGiveDifferentWindows() {
    assertThat(new VibrationGenerator(7).dataset(3))
        .isNotEqualTo(new VibrationGenerator(8).dataset(3));
  }

  @Test
  void datasetInterleavesEveryStateInOutputOrder() {
    List<VibrationWindow> windows = new VibrationGenerator(1).dataset(2);
    assertThat(windows).hasSize(8);
    assertThat(windows.stream().map(VibrationWindow::state).toList())
        .containsExactlyElementsOf(
            java.util.stream.Stream.concat(MachineState.ORDER.stream(), MachineState.ORDER.stream())
                .toList());
    assertThat(windows).allSatisfy(w -> assertThat(w.samples()).hasSize(1024));
  }

  @Test
  void shaftSpeedStaysIn20To40Hz() {
    assertThat(new VibrationGenerator(3).dataset(50))
        .allSatisfy(w -> assertThat(w.shaftHz()).isBetween(20.0, 40.0));
  }

  @Test
  void imbalanceHasStrongComponentAtShaftSpeed() {
    VibrationGenerator g = new VibrationGenerator(11);
    for (int i = 0; i < 20; i++) {
      VibrationWindow imbalance = g.next(MachineState.IMBALANCE);
      VibrationWindow normal = g.next(MachineState.NORMAL);
      assertThat(amplitudeAt(imbalance.samples(), imbalance.shaftHz())).isGreaterThan(0.3);
      assertThat(amplitudeAt(normal.samples(), normal.shaftHz())).isLessThan(0.25);
    }
  }

  @Test
  void misalignmentHasStrongSecondHarmonic() {
    VibrationGenerator g = new VibrationGenerator(12);
    for (int i = 0; i < 20; i++) {
      VibrationWindow w = g.next(MachineState.MISALIGNMENT);
      assertThat(amplitudeAt(w.samples(), 2 * w.shaftHz()))
          .isGreaterThan(0.2)
          .isGreaterThan(amplitudeAt(w.samples(), w.shaftHz()));
    }
  }

  @Test
  void bearingFaultAddsHighFrequencyEnergy() {
    VibrationGenerator g = new VibrationGenerator(13);
    double fault = 0;
    double normal = 0;
    for (int i = 0; i < 50; i++) {
      fault += highBandEnergy(g.next(MachineState.BEARING_FAULT).samples());
      normal += highBandEnergy(g.next(MachineState.NORMAL).samples());
    }
    assertThat(fault).isGreaterThan(2 * normal);
  }
}
