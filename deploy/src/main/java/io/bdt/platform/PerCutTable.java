package io.bdt.platform;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The markdown table of a live reproduction's per-cut prediction error, as docs/benchmarks.md shows
 * it: one row per (gateway, model, cut) pooled over the run's algorithms, with the gateway's
 * compute class, then how many pairs are within {@link #TOLERANCE} and, per algorithm, whether
 * every AP kept {@code R_min} after the warm-up. Written by {@code ./bdt reproduce --live} as
 * {@code live-prediction-error.md}, so the figure comes from the project's own command.
 */
final class PerCutTable {

  /** The bound on the per-cut error: |measured median / predicted median - 1|. */
  static final double TOLERANCE = 0.20;

  private PerCutTable() {}

  /**
   * The table of {@code pooled} (every algorithm's tasks); {@code classes} maps a gateway's name to
   * its compute class; {@code entries} give each algorithm's reputations.
   */
  static String markdown(
      List<PredictionError> pooled,
      Map<String, Double> classes,
      List<LiveSummary.Entry> entries,
      double rMin,
      double warmUpSeconds) {
    StringBuilder md = new StringBuilder();
    md.append(
        "| gateway, model (class) | cut | tasks | measured median (ms) | predicted median (ms)"
            + " | error | cold starts: tasks, measured median (ms), error |\n");
    md.append("|---|---:|---:|---:|---:|---:|---|\n");
    int within = 0;
    int pairs = 0;
    for (PredictionError pe : pooled) {
      boolean warm = pe.tasks() > 0;
      boolean ok = warm && Math.abs(pe.error()) <= TOLERANCE;
      if (warm) {
        pairs++;
        within += ok ? 1 : 0;
      }
      String error = warm ? percent(pe.error()) : "-";
      md.append(
          String.format(
              Locale.ROOT,
              "| %s, %s (%s) | %d | %d | %s | %s | %s | %s |%n",
              pe.gateway(),
              pe.model(),
              computeClass(classes.get(pe.gateway())),
              pe.cut(),
              pe.tasks(),
              warm ? ms(pe.measuredMedianSeconds()) : "-",
              warm ? ms(pe.predictedMedianSeconds()) : "-",
              warm && !ok ? "**" + error + "**" : error,
              pe.coldStartTasks() == 0
                  ? "-"
                  : pe.coldStartTasks()
                      + ", "
                      + ms(pe.coldStartMeasuredMedianSeconds())
                      + ", "
                      + percent(pe.coldStartError())));
    }
    md.append(
        String.format(
            Locale.ROOT,
            "%nwithin +-%.0f %%: %d of %d (gateway, cut) pairs with warm tasks%n%n",
            TOLERANCE * 100,
            within,
            pairs));
    for (LiveSummary.Entry e : entries) {
      StringBuilder r = new StringBuilder();
      double[] average = e.apReputation();
      for (int m = 0; m < average.length; m++) {
        r.append(String.format(Locale.ROOT, "%sap%d %.3f", m == 0 ? "" : ", ", m, average[m]));
      }
      md.append(
          String.format(
              Locale.ROOT,
              "- %s: time-average R_m after the %.0f s warm-up %s: R_min %.2f %s%n",
              e.run().policy(),
              warmUpSeconds,
              r,
              rMin,
              e.constraintSatisfied() ? "held by every AP" : "missed"));
    }
    return md.toString();
  }

  private static String computeClass(Double scale) {
    return scale == null
        ? "?"
        : java.math.BigDecimal.valueOf(scale).stripTrailingZeros().toPlainString();
  }

  private static String ms(double seconds) {
    return String.format(Locale.ROOT, "%.2f", seconds * 1000);
  }

  private static String percent(double x) {
    return Double.isFinite(x) ? String.format(Locale.ROOT, "%+.0f %%", x * 100) : "-";
  }
}
