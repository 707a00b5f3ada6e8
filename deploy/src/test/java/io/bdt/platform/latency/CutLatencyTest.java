package io.bdt.platform.latency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Per-cut summaries of measured and predicted latencies. */
class CutLatencyTest {

  @Test
  void quantilesAreNearestRankOnSortedValues() {
    double[] v = {5, 1, 4, 2, 3, 10, 9, 8, 7, 6};
    assertThat(CutLatency.quantile(v, 0.5)).isEqualTo(5);
    assertThat(CutLatency.quantile(v, 0.9)).isEqualTo(9);
    assertThat(CutLatency.quantile(v, 0)).isEqualTo(1);
    assertThat(CutLatency.quantile(v, 1)).isEqualTo(10);
  }

  @Test
  void errorIsMeasuredMedianOverPredictedMedianMinusOne() {
    CutLatency c =
        new CutLatency(
            3,
            new double[] {2, 3, 4},
            new double[] {1, 2, 2},
            new double[] {6, 6, 6},
            new double[] {3, 3, 4},
            9,
            4);
    assertThat(c.error()).isCloseTo(0.5, within(1e-12));
    assertThat(c.calibratedError()).isCloseTo(-0.25, within(1e-12));
    assertThat(c.mixedError()).isCloseTo(-0.5, within(1e-12));
    assertThat(c.liveError()).isCloseTo(0, within(1e-12));
    assertThat(c.measuredMean()).isCloseTo(3, within(1e-12));
  }

  @Test
  void rejectsMismatchedPredictions() {
    assertThatThrownBy(
            () ->
                new CutLatency(
                    1,
                    new double[] {1, 2},
                    new double[] {1, 2},
                    new double[] {1, 2},
                    new double[] {1},
                    1,
                    1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cut 1");
  }

  @Test
  void rejectsQuantileOutsideZeroToOne() {
    assertThatThrownBy(() -> CutLatency.quantile(new double[] {1}, 1.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("q must be in [0, 1]");
  }
}
