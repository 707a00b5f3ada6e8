package io.bdt.platform;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Each AP's time-average on-chain reputation {@code R_m} over the samples taken after a warm-up:
 * the quantity the reputation floor {@code R_min} bounds on average (docs/dpra.md, "Association").
 * Samples are taken at even intervals, so their mean is the time average.
 */
final class ReputationAverage {

  /** The warm-up the platform states: 30 slots of 1 s, three reputation time constants. */
  static final double WARM_UP_SECONDS = 30;

  private final double warmUpSeconds;
  private final Map<String, double[]> sums = new LinkedHashMap<>();

  ReputationAverage(double warmUpSeconds) {
    this.warmUpSeconds = warmUpSeconds;
  }

  /** Records AP {@code ap}'s reputation {@code reputation} seen {@code elapsed} s into the run. */
  synchronized void record(double elapsed, String ap, double reputation) {
    double[] s = sums.computeIfAbsent(ap, a -> new double[2]);
    if (elapsed >= warmUpSeconds) {
      s[0] += reputation;
      s[1]++;
    }
  }

  /** Each AP's mean after the warm-up; NaN for an AP with no sample after it yet. */
  synchronized Map<String, Double> averages() {
    Map<String, Double> out = new LinkedHashMap<>();
    sums.forEach((ap, s) -> out.put(ap, s[1] == 0 ? Double.NaN : s[0] / s[1]));
    return out;
  }

  /** {@code "ap0 0.412 ap1 0.377 ..."}, or empty before the warm-up ended. */
  synchronized String format() {
    if (sums.values().stream().allMatch(s -> s[1] == 0)) {
      return "";
    }
    return averages().entrySet().stream()
        .map(e -> String.format(Locale.ROOT, "%s %.3f", e.getKey(), e.getValue()))
        .collect(Collectors.joining(" "));
  }

  double warmUpSeconds() {
    return warmUpSeconds;
  }
}
