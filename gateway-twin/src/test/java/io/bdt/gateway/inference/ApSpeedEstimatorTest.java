package io.bdt.gateway.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The AP's speed on the gateway's model, from the AP's reported compute times. */
@Timeout(10)
class ApSpeedEstimatorTest {

  /** MobileNetV2's whole tail, FLOPs. */
  static final double TAIL = 6.0e8;

  /** A share of 1e10 Hz (half of F_m = 2e10). */
  static final double SHARE = 1e10;

  @Test
  void untilTheWarmUpTasksAreMeasuredTheApIsNotMeasured() {
    ApSpeedEstimator e = new ApSpeedEstimator(2, 0.05);
    for (int i = 0; i < ApSpeedEstimator.WARM_UP_TASKS - 1; i++) {
      e.record(0, TAIL, 0.3, SHARE, 0);
    }
    assertThat(e.apFlopsPerCycle(0)).isZero();
    e.record(0, TAIL, 0.3, SHARE, 0);
    // 6e8 FLOPs in 0.3 s on 1e10 Hz: 0.2 FLOPs per cycle, against the genesis' 16
    assertThat(e.apFlopsPerCycle(0)).isCloseTo(0.2, within(1e-12));
    assertThat(e.apFlopsPerCycle(1)).isZero();
  }

  @Test
  void aSlowTaskAmongTypicalOnesDoesNotMoveTheSpeed() {
    ApSpeedEstimator e = new ApSpeedEstimator(1, 0.05);
    for (int i = 0; i < 30; i++) {
      e.record(0, TAIL, i % 10 == 4 ? 3.0 : 0.3, SHARE, 0);
    }
    assertThat(e.apFlopsPerCycle(0)).isCloseTo(0.2, within(1e-12));
  }

  @Test
  void aTaskWhoseTailTheApFirstLoadedOrThatMeasuresNothingIsLeftOut() {
    ApSpeedEstimator e = new ApSpeedEstimator(1, 0.05);
    for (int i = 0; i < ApSpeedEstimator.WARM_UP_TASKS - 1; i++) {
      e.record(0, TAIL, 0.3, SHARE, 0);
    }
    e.record(0, TAIL, 0.3, SHARE, 2.0);
    e.record(0, 0, 0.3, SHARE, 0);
    e.record(0, TAIL, 0, SHARE, 0);
    e.record(0, TAIL, 0.3, 0, 0);
    assertThat(e.apFlopsPerCycle(0)).isZero();
  }

  @Test
  void whileWarmingUpTheApsOwnSpeedPricesItThenTheGatewaysOwnMeasurement() {
    ApSpeedEstimator e = new ApSpeedEstimator(2, 0.05);
    ApSpeedPriors priors = new ApSpeedPriors(null, e, "mobilenetv2", 2);
    priors.take(0, statusWithSpeeds(java.util.Map.of("mobilenetv2", 0.5, "vibration", 0.01)));
    priors.take(1, statusWithSpeeds(java.util.Map.of("vibration", 0.01)));
    // AP 0 said its speed on this model; AP 1 has not served it: the genesis' (0)
    assertThat(e.apFlopsPerCycle(0)).isEqualTo(0.5);
    assertThat(e.apFlopsPerCycle(1)).isZero();
    for (int i = 0; i < ApSpeedEstimator.WARM_UP_TASKS - 1; i++) {
      e.record(0, TAIL, 0.3, SHARE, 0);
    }
    assertThat(e.warmingUp(0)).isTrue();
    assertThat(e.apFlopsPerCycle(0)).isEqualTo(0.5);
    e.record(0, TAIL, 0.3, SHARE, 0);
    assertThat(e.warmingUp(0)).isFalse();
    assertThat(e.apFlopsPerCycle(0)).isCloseTo(0.2, within(1e-12));
  }

  @Test
  void aNegativeOrNonFiniteApSpeedIsNotTaken() {
    ApSpeedEstimator e = new ApSpeedEstimator(1, 0.05);
    e.prior(0, 0.4);
    e.prior(0, -1);
    e.prior(0, Double.NaN);
    e.prior(0, Double.POSITIVE_INFINITY);
    assertThat(e.apFlopsPerCycle(0)).isEqualTo(0.4);
  }

  private static ApStatus statusWithSpeeds(java.util.Map<String, Double> speeds) {
    return new ApStatus("0x00", 2e10, 0, 0.5, 0, 0, "DPRA", Double.NaN, speeds);
  }
}
