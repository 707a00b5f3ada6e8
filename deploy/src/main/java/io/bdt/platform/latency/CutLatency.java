package io.bdt.platform.latency;

import java.util.Arrays;

/**
 * One cut's measured task latencies against the model's predictions, seconds.
 *
 * @param cut the cut {@code k}
 * @param measured end-to-end latency of each measured task
 * @param predicted the optimizer's prediction for each of those tasks (configured FLOP/s, the
 *     gateway's uplink EWMA fed by this cut's frames)
 * @param predictedMixed the same with one uplink EWMA fed by every cut's frames in turn
 * @param predictedLive the prediction the live gateway now makes: {@code SlotCost} with its running
 *     fits of the fixed costs and rates ({@code FixedCostEstimator}), fed by every earlier task
 * @param firstTask latency of the cut's first task after the services reported ready (NaN if not
 *     recorded): what first use still costs
 * @param calibrated the calibrated model's prediction for the cut (one value: it has no per-task
 *     input), or NaN when not calibrated
 */
public record CutLatency(
    int cut,
    double[] measured,
    double[] predicted,
    double[] predictedMixed,
    double[] predictedLive,
    double firstTask,
    double calibrated) {

  public CutLatency {
    if (measured.length == 0
        || measured.length != predicted.length
        || measured.length != predictedMixed.length
        || measured.length != predictedLive.length) {
      throw new IllegalArgumentException(
          "cut "
              + cut
              + ": need one prediction per measured task and at least one task, got "
              + measured.length
              + " measured and "
              + predicted.length
              + " predicted");
    }
  }

  /** The {@code q}-quantile (0..1) of {@code values}, nearest rank on the sorted values. */
  public static double quantile(double[] values, double q) {
    if (values.length == 0) {
      throw new IllegalArgumentException("quantile of no values");
    }
    if (!(q >= 0 && q <= 1)) {
      throw new IllegalArgumentException("quantile: q must be in [0, 1], got " + q);
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  public double measuredMedian() {
    return quantile(measured, 0.5);
  }

  public double measuredP90() {
    return quantile(measured, 0.9);
  }

  public double measuredMean() {
    return Arrays.stream(measured).average().orElseThrow();
  }

  public double predictedMedian() {
    return quantile(predicted, 0.5);
  }

  /** {@code (measured - predicted) / predicted} on the medians. */
  public double error() {
    return measuredMedian() / predictedMedian() - 1;
  }

  /** {@link #error()} for {@link #predictedMixed()}. */
  public double mixedError() {
    return measuredMedian() / quantile(predictedMixed, 0.5) - 1;
  }

  /** {@link #error()} for {@link #predictedLive()}. */
  public double liveError() {
    return measuredMedian() / quantile(predictedLive, 0.5) - 1;
  }

  /** {@code (measured - calibrated) / calibrated} on the measured median; NaN if not calibrated. */
  public double calibratedError() {
    return measuredMedian() / calibrated - 1;
  }
}
