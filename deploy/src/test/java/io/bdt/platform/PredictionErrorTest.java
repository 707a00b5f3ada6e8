package io.bdt.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The per-cut prediction error of a live run: medians per (gateway, model, cut), not means. */
@Timeout(10)
class PredictionErrorTest {

  private static TaskHistory.Task task(String model, int cut, double measured, double predicted) {
    return new TaskHistory.Task(
        "gw1", model, "bdt:x", 1, "0x01", cut, cut, measured, predicted, 0, Double.NaN, Double.NaN);
  }

  @Test
  void groupsByGatewayModelAndCutAndComparesMedians() {
    List<PredictionError> errors =
        PredictionError.perCut(
            List.of(
                task("vibration", 11, 0.002, 0.001),
                task("mobilenetv2", 0, 0.010, 0.008),
                task("mobilenetv2", 0, 0.030, 0.010),
                task("mobilenetv2", 0, 0.012, 0.012),
                task("vibration", 11, 0.004, 0.001)));
    assertThat(errors)
        .extracting(PredictionError::model, PredictionError::cut, PredictionError::tasks)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("mobilenetv2", 0, 3),
            org.assertj.core.groups.Tuple.tuple("vibration", 11, 2));
    TaskHistory.Task otherGateway =
        new TaskHistory.Task(
            "gw3", "vibration", "bdt:y", 1, "0x09", 11, 11, 0.1, 0.1, 0, Double.NaN, Double.NaN);
    assertThat(PredictionError.perCut(List.of(task("vibration", 11, 0.002, 0.001), otherGateway)))
        .extracting(PredictionError::gateway)
        .containsExactly("gw1", "gw3");
    // medians: measured 12 ms (the 30 ms outlier does not move it), predicted 10 ms
    assertThat(errors.get(0).error()).isCloseTo(0.2, within(1e-12));
    // even count: the mean of the middle two, 3 ms against 1 ms
    assertThat(errors.get(1).error()).isCloseTo(2.0, within(1e-12));
  }

  @Test
  void aFailedOffloadThatRanLocallyIsLeftOutItsPredictionWasForAnotherCut() {
    List<PredictionError> errors =
        PredictionError.perCut(
            List.of(
                task("mobilenetv2", 153, 0.060, 0.050),
                new TaskHistory.Task(
                    "gw3",
                    "mobilenetv2",
                    "bdt:c",
                    2,
                    "0x02",
                    153,
                    32,
                    0.9,
                    0.1,
                    0,
                    Double.NaN,
                    Double.NaN)));
    assertThat(errors).hasSize(1);
    assertThat(errors.get(0).tasks()).isEqualTo(1);
    assertThat(errors.get(0).error()).isCloseTo(0.2, within(1e-12));
  }

  @Test
  void coldStartTasksAreReportedApartFromTheCutsError() {
    List<PredictionError> errors =
        PredictionError.perCut(
            List.of(
                task("mobilenetv2", 15, 0.012, 0.010),
                task("mobilenetv2", 15, 0.012, 0.010),
                new TaskHistory.Task(
                    "gw1",
                    "mobilenetv2",
                    "bdt:c",
                    3,
                    "0x03",
                    15,
                    15,
                    0.400,
                    0.100,
                    0.35,
                    Double.NaN,
                    Double.NaN)));
    assertThat(errors).hasSize(1);
    PredictionError e = errors.get(0);
    assertThat(e.tasks()).isEqualTo(2);
    assertThat(e.error()).isCloseTo(0.2, within(1e-12));
    assertThat(e.coldStartTasks()).isEqualTo(1);
    assertThat(e.coldStartMeasuredMedianSeconds()).isEqualTo(0.4);
    assertThat(e.coldStartError()).isCloseTo(3.0, within(1e-12));
    // a cut with only cold starts has no warm error, but its cold starts are there
    PredictionError onlyCold =
        PredictionError.perCut(
                List.of(
                    new TaskHistory.Task(
                        "gw1",
                        "mobilenetv2",
                        "bdt:c",
                        3,
                        "0x04",
                        0,
                        0,
                        0.5,
                        0.1,
                        0.3,
                        Double.NaN,
                        Double.NaN)))
            .get(0);
    assertThat(onlyCold.tasks()).isZero();
    assertThat(onlyCold.error()).isNaN();
    assertThat(onlyCold.coldStartTasks()).isEqualTo(1);
  }

  @Test
  void aCutWithoutAPredictionHasNoError() {
    assertThat(PredictionError.perCut(List.of(task("vibration", 0, 0.002, 0))).get(0).error())
        .isNaN();
  }
}
