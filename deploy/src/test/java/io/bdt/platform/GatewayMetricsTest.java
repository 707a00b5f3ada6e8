package io.bdt.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class GatewayMetricsTest {

  static String text(double measured, long tasks, long cut0, long cut11, long coordinated) {
    return String.join(
        "\n",
        "# HELP bdt_inference_latency_measured_seconds measured task latency per sample",
        "# TYPE bdt_inference_latency_measured_seconds summary",
        "bdt_inference_latency_measured_seconds_count " + tasks + ".0",
        "bdt_inference_latency_measured_seconds_sum " + measured,
        "bdt_inference_latency_measured_seconds_max 0.5",
        "bdt_inference_latency_predicted_seconds_count " + tasks + ".0",
        "bdt_inference_latency_predicted_seconds_sum " + measured / 2,
        "bdt_inference_cut_total{cut=\"0\"} " + cut0 + ".0",
        "bdt_inference_cut_total{cut=\"11\"} " + cut11 + ".0",
        "bdt_dpra_decisions_total{source=\"coordinator\"} " + coordinated + ".0",
        "bdt_dpra_decisions_total{source=\"local-fallback\"} 1.0",
        "bdt_inference_tasks_failed_total 3.0",
        "");
  }

  @Test
  void readsLatencySumsCutsAndDecisionSources() {
    GatewayMetrics m = GatewayMetrics.parse(text(0.8, 8, 5, 3, 6));
    assertThat(m.measuredTasks()).isEqualTo(8);
    assertThat(m.meanMeasuredSeconds()).isEqualTo(0.1);
    assertThat(m.meanPredictedSeconds()).isEqualTo(0.05);
    assertThat(m.cuts()).isEqualTo(Map.of(0, 5L, 11, 3L));
    assertThat(m.coordinatedSlots()).isEqualTo(6);
    assertThat(m.localSlots()).isEqualTo(1);
  }

  @Test
  void theDifferenceOfTwoReadingsIsWhatHappenedInBetween() {
    GatewayMetrics early = GatewayMetrics.parse(text(0.8, 8, 5, 0, 6));
    GatewayMetrics late = GatewayMetrics.parse(text(2.0, 20, 5, 12, 16));
    GatewayMetrics between = late.since(early);
    assertThat(between.measuredTasks()).isEqualTo(12);
    assertThat(between.meanMeasuredSeconds())
        .isCloseTo(0.1, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(between.cuts()).as("cut 0 had no new task").isEqualTo(Map.of(11, 12L));
    assertThat(between.coordinatedSlots()).isEqualTo(10);
    assertThat(between.localSlots()).isZero();
  }

  @Test
  void twoGatewaysAddUp() {
    GatewayMetrics sum =
        GatewayMetrics.parse(text(0.8, 8, 5, 3, 6))
            .plus(GatewayMetrics.parse(text(0.4, 2, 1, 1, 2)));
    assertThat(sum.measuredTasks()).isEqualTo(10);
    assertThat(sum.cuts()).isEqualTo(Map.of(0, 6L, 11, 4L));
    assertThat(sum.localSlots()).isEqualTo(2);
  }
}
