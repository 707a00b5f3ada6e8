package io.bdt.platform.latency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.bdt.optimizer.cost.CostTable;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Fitting the calibrated latency model to per-cut component times. */
class CalibrationTest {

  /** Three cuts: full offload, one in the middle, fully local (K = 2). */
  static final CostTable TABLE =
      new CostTable(
          "toy",
          8000,
          32,
          List.of(
              new CostTable.Cut(0, "input", 0, 1_000_000, 8000),
              new CostTable.Cut(1, "mid", 600_000, 400_000, 2000),
              new CostTable.Cut(2, "output", 1_000_000, 0, 0)));

  /** Four cuts, so that the offload line (intercept + two slopes) has three points. */
  static final CostTable WIDE =
      new CostTable(
          "toy4",
          8000,
          32,
          List.of(
              new CostTable.Cut(0, "input", 0, 1_000_000, 8000),
              new CostTable.Cut(1, "a", 200_000, 800_000, 1000),
              new CostTable.Cut(2, "b", 700_000, 300_000, 4000),
              new CostTable.Cut(3, "output", 1_000_000, 0, 0)));

  @Test
  void recoversFixedCostsAndRatesFromExactComponentTimes() {
    double deltaG = 2e-4;
    double fG = 1e9;
    double deltaOff = 1e-3;
    double r = 1e8;
    double fA = 5e9;
    double[] head = new double[4];
    double[] offload = new double[4];
    for (int k = 0; k < 4; k++) {
      CostTable.Cut c = WIDE.cut(k);
      head[k] = deltaG + c.headFlops() / fG;
      offload[k] = head[k] + deltaOff + c.bits() / r + c.tailFlops() / fA;
    }

    Calibration fit = Calibration.fit(WIDE, head, offload);

    assertThat(fit.deltaGateway()).isCloseTo(deltaG, within(1e-12));
    assertThat(1 / fit.gatewaySecondsPerFlop()).isCloseTo(fG, within(1.0));
    assertThat(fit.deltaOffload()).isCloseTo(deltaOff, within(1e-12));
    assertThat(1 / fit.secondsPerBit()).isCloseTo(r, within(10.0));
    assertThat(1 / fit.apSecondsPerFlop()).isCloseTo(fA, within(100.0));
    assertThat(fit.latency(WIDE, 1))
        .isCloseTo(deltaG + 200_000 / fG + deltaOff + 1000 / r + 800_000 / fA, within(1e-12));
    assertThat(fit.latency(WIDE, 3)).isCloseTo(deltaG + 1_000_000 / fG, within(1e-12));
  }

  @Test
  void dropsASlopeThatFitsNegativeAndKeepsTheMeanAsFixedCost() {
    // head times fall as head FLOPs grow: noise, not a rate; the fit keeps a constant instead
    double[] head = {4e-4, 3e-4, 2e-4, 1e-4};
    double[] offload = {1.25e-3, 1.25e-3, 1.25e-3, Double.NaN}; // head fit (constant) + 1 ms

    Calibration fit = Calibration.fit(WIDE, head, offload);

    assertThat(fit.gatewaySecondsPerFlop()).isZero();
    assertThat(fit.deltaGateway()).isCloseTo(2.5e-4, within(1e-15));
    assertThat(fit.deltaOffload()).isCloseTo(1e-3, within(1e-12));
    assertThat(fit.secondsPerBit()).isGreaterThanOrEqualTo(0);
    assertThat(fit.apSecondsPerFlop()).isGreaterThanOrEqualTo(0);
  }

  @Test
  void namesTheMissingTimes() {
    assertThatThrownBy(() -> Calibration.fit(TABLE, new double[2], new double[2]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("head time for each of the 3 cuts");
  }
}
