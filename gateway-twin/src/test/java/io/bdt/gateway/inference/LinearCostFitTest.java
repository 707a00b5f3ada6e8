package io.bdt.gateway.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The running cost fit follows the typical task, not the mean: synthetic tasks with the outliers
 * the live platform has (GC pauses, a first JIT-compiled run, a queue at the AP), on which a
 * least-squares fit of the same tasks is far off.
 */
@Timeout(10)
class LinearCostFitTest {

  /** The mean-based line of the tasks: ordinary least squares, {@code {fixed, slope}}. */
  static double[] leastSquares(double[] x, double[] y) {
    double mx = 0;
    double my = 0;
    for (int i = 0; i < x.length; i++) {
      mx += x[i] / x.length;
      my += y[i] / x.length;
    }
    double cxy = 0;
    double cxx = 0;
    for (int i = 0; i < x.length; i++) {
      cxy += (x[i] - mx) * (y[i] - my);
      cxx += (x[i] - mx) * (x[i] - mx);
    }
    double slope = cxx > 0 ? cxy / cxx : 0;
    return new double[] {my - slope * mx, slope};
  }

  @Test
  void aFewSlowHeadRunsAtOneCutDoNotRaiseItsPredictedTime() {
    // the vibration model run whole: 0.45-0.55 ms, and every 8th run a 6-20 ms GC or JIT pause
    LinearCostFit fit = new LinearCostFit(0.05, 1 / 5e6, 1e3);
    SplittableRandom random = new SplittableRandom(11);
    double flops = 700_000;
    double[] x = new double[40];
    double[] y = new double[40];
    for (int i = 0; i < 40; i++) {
      double seconds =
          i % 8 == 3 ? 6e-3 + random.nextDouble() * 14e-3 : 4.5e-4 + random.nextDouble() * 1e-4;
      fit.record(flops, seconds);
      x[i] = flops;
      y[i] = seconds;
    }
    double predicted = fit.fixed() + fit.slope() * flops;
    assertThat(predicted).isCloseTo(5e-4, within(0.6e-4));
    // the mean of the same runs is several times the typical run
    double mean = 0;
    for (double s : y) {
      mean += s / y.length;
    }
    assertThat(mean).isGreaterThan(3 * predicted);
  }

  @Test
  void outliersAtSeveralSizesLeaveTheFixedCostAndRateOfTheTypicalTask() {
    // offloads of 0.3..33 kbit at 1 ms + bits / 1e8 bit/s; one in seven waited 50-300 ms in a
    // queue
    LinearCostFit fit = new LinearCostFit(0.05, 1 / 1e7, 64);
    SplittableRandom random = new SplittableRandom(5);
    double[] sizes = {32_768, 1_024, 9_984, 4_096, 16_384, 320};
    double[] x = new double[40];
    double[] y = new double[40];
    for (int i = 0; i < 40; i++) {
      double bits = sizes[i % sizes.length];
      double seconds = 1e-3 + bits / 1e8 + random.nextDouble() * 2e-5;
      if (i % 7 == 3) {
        seconds += 0.05 + random.nextDouble() * 0.25;
      }
      fit.record(bits, seconds);
      x[i] = bits;
      y[i] = seconds;
    }
    assertThat(fit.fixed()).isCloseTo(1.01e-3, within(0.1e-3));
    assertThat(1 / fit.slope()).isCloseTo(1e8, within(0.2e8));
    // least squares on the same tasks puts tens of milliseconds into the fixed cost
    double[] mean = leastSquares(x, y);
    assertThat(Math.abs(mean[0] - 1.01e-3)).isGreaterThan(10 * 0.1e-3);
  }

  @Test
  void theWindowForgetsTasksOlderThanTwoOverTheWeight() {
    LinearCostFit fit = new LinearCostFit(0.05, 1 / 1e7, 64);
    for (int i = 0; i < 40; i++) {
      fit.record(32_768, 0.5);
    }
    for (int i = 0; i < 40; i++) {
      fit.record(32_768, 5e-3);
    }
    assertThat(fit.fixed() + fit.slope() * 32_768).isCloseTo(5e-3, within(1e-12));
  }

  @Test
  void beforeAnyTaskTheFitIsThePriorSlopeWithNoFixedCost() {
    LinearCostFit fit = new LinearCostFit(0.5, 1e-7, 64);
    assertThat(fit.measured()).isFalse();
    assertThat(fit.fixed()).isZero();
    assertThat(fit.slope()).isEqualTo(1e-7);
  }
}
