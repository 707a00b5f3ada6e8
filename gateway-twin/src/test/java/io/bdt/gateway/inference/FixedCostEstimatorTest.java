package io.bdt.gateway.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.bdt.optimizer.joint.GatewayDemand;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The gateway's running fits separate a per-call fixed cost from a rate. */
@Timeout(10)
class FixedCostEstimatorTest {

  @Test
  void beforeAnyTaskItReportsTheConfiguredRatesAndNoFixedCost() {
    FixedCostEstimator e = new FixedCostEstimator(2, 5e6, 1e7, 0.05);
    assertThat(e.gatewayFlopsPerSecond()).isEqualTo(5e6);
    assertThat(e.uplinkRate(1)).isEqualTo(1e7);
    assertThat(e.fixedCosts(1)).isEqualTo(GatewayDemand.FixedCosts.NONE);
  }

  @Test
  void framesOfSeveralSizesSeparateTheOffloadsFixedCostFromTheRate() {
    // 1.3 ms per offload plus 2.5e8 bit/s, frames 0.3..33 kbit as the vibration model's cuts
    FixedCostEstimator e = new FixedCostEstimator(1, 1.2e10, 1e7, 0.05);
    SplittableRandom random = new SplittableRandom(3);
    double[] bits = {32_768, 9_984, 1_024, 320, 4_096, 16_384};
    for (int i = 0; i < 400; i++) {
      double b = bits[i % bits.length];
      e.recordOffload(0, b, 1.3e-3 + b / 2.5e8 + random.nextDouble() * 1e-5);
    }
    assertThat(e.fixedCosts(0).offloadSeconds()).isCloseTo(1.305e-3, within(2e-5));
    assertThat(e.uplinkRate(0)).isCloseTo(2.5e8, within(0.1e8));
  }

  @Test
  void anOffloadThatLoadedATailOnTheApIsLeftOutOfTheFit() {
    // a camera gateway at one MobileNetV2 cut: 8 ms per offload; then it moves to a new cut and
    // the AP takes 2 s to split and load that cut's tail for the first task there
    FixedCostEstimator e = new FixedCostEstimator(1, 5e10, 1e8, 0.05);
    for (int i = 0; i < 100; i++) {
      e.recordOffload(0, 4.8e6, 8e-3 + 4.8e6 / 1e8, 0);
    }
    double before = e.fixedCosts(0).offloadSeconds();
    e.recordOffload(0, 1.6e6, 2.0 + 8e-3 + 1.6e6 / 1e8, 2.0);
    assertThat(e.fixedCosts(0).offloadSeconds()).isEqualTo(before);
    assertThat(e.tailLoadsLeftOut()).isEqualTo(1);
  }

  @Test
  void overAShapedUplinkTheOffloadCostIsWhatTheOffloadTookBeyondTheShapedTransfer() {
    // whole MobileNetV2 frames (4.8 Mbit) shaped to 80-120 Mbit/s, 60 ms beyond the transfer;
    // against bits alone the configured 10 Mbit/s is too slow and the fixed cost would be 0
    FixedCostEstimator e = new FixedCostEstimator(1, 5e10, 1e7, 0.05);
    FixedCostEstimator unshaped = new FixedCostEstimator(1, 5e10, 1e7, 0.05);
    for (int i = 0; i < 40; i++) {
      double rate = 8e7 + (i % 5) * 1e7;
      double seconds = 0.06 + 4.8e6 / rate;
      e.recordOffload(0, 4.8e6, seconds, 0, rate);
      unshaped.recordOffload(0, 4.8e6, seconds, 0);
    }
    assertThat(e.fixedCosts(0).offloadSeconds()).isCloseTo(0.06, within(1e-9));
    assertThat(unshaped.fixedCosts(0).offloadSeconds()).isZero();
  }

  @Test
  void atOneFrameSizeTheConfiguredRateHoldsAndTheRestIsTheFixedCost() {
    // a gateway that stays at one cut: the configured rate explains 3.3 ms of 5 ms
    FixedCostEstimator e = new FixedCostEstimator(1, 1.2e10, 1e7, 0.05);
    for (int i = 0; i < 100; i++) {
      e.recordOffload(0, 32_768, 5e-3);
    }
    assertThat(e.uplinkRate(0)).isCloseTo(1e7, within(1.0));
    assertThat(e.fixedCosts(0).offloadSeconds()).isCloseTo(5e-3 - 32_768 / 1e7, within(1e-9));
  }

  @Test
  void whenTheConfiguredRateIsTooSlowForTheMeasuredTimesTheRateIsMeasuredWithNoFixedCost() {
    // 32 kbit in 1 ms cannot be 10 Mbit/s: the line goes through the origin (the old EWMA rate)
    FixedCostEstimator e = new FixedCostEstimator(1, 1.2e10, 1e7, 0.05);
    for (int i = 0; i < 100; i++) {
      e.recordOffload(0, 32_768, 1e-3);
    }
    assertThat(e.fixedCosts(0).offloadSeconds()).isZero();
    assertThat(e.uplinkRate(0)).isCloseTo(3.2768e7, within(1.0));
  }

  @Test
  void headRunsOfSeveralSizesGiveTheGatewaysFixedCostAndItsMeasuredRate() {
    FixedCostEstimator e = new FixedCostEstimator(1, 1.2e10, 1e7, 0.05);
    double[] flops = {0, 638_976, 660_000, 695_874, 700_000};
    for (int i = 0; i < 300; i++) {
      double f = flops[i % flops.length];
      e.recordHead(f, 7e-6 + f / 3.9e9);
    }
    assertThat(e.fixedCosts(0).headRunSeconds()).isCloseTo(7e-6, within(1e-7));
    assertThat(e.gatewayFlopsPerSecond()).isCloseTo(3.9e9, within(0.05e9));
  }

  @Test
  void tasksOlderThanTheWindowAreForgottenSoAChangedLinkIsFollowed() {
    FixedCostEstimator e = new FixedCostEstimator(1, 1.2e10, 1e7, 0.05);
    double[] bits = {32_768, 1_024};
    for (int i = 0; i < 200; i++) {
      e.recordOffload(0, bits[i % 2], 1e-3 + bits[i % 2] / 1e8);
    }
    for (int i = 0; i < 200; i++) {
      e.recordOffload(0, bits[i % 2], 1e-3 + bits[i % 2] / 1e6);
    }
    assertThat(e.uplinkRate(0)).isCloseTo(1e6, within(2e4));
  }

  @Test
  void ignoresTimesThatAreNotMeasurements() {
    FixedCostEstimator e = new FixedCostEstimator(1, 1.2e10, 1e7, 0.05);
    e.recordOffload(0, 32_768, Double.NaN);
    e.recordOffload(0, 32_768, -1);
    e.recordHead(Double.POSITIVE_INFINITY, 1);
    assertThat(e.fixedCosts(0)).isEqualTo(GatewayDemand.FixedCosts.NONE);
    assertThat(e.uplinkRate(0)).isEqualTo(1e7);
  }

  @Test
  void refusesAWeightOutsideZeroToOne() {
    assertThatThrownBy(() -> new FixedCostEstimator(1, 1e9, 1e7, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("weight");
  }
}
