package io.bdt.gateway.inference;

import java.util.Arrays;

/**
 * A running robust fit of {@code seconds = fixed + perUnit * units} to the last tasks (units: FLOPs
 * of a head run, or bits of an offloaded frame), so that a fixed cost per call is not mistaken for
 * a rate and a few slow tasks (a GC pause, the first run of a JIT-compiled path, a queue at the AP)
 * do not move it: a Theil-Sen line over the last {@link #window} tasks (the slope is the median of
 * the slopes between every two tasks whose sizes differ by at least {@code priorUnits}; the fixed
 * cost the median of {@code seconds - slope * units}). Where a mean follows a skewed distribution
 * of times, this follows its median, which is what the per-cut prediction error is measured against
 * (docs/benchmarks.md).
 *
 * <p>While sizes do not vary (fewer such pairs than tasks in the window: a gateway that stays at
 * one cut), the data cannot separate the two parts and the prior slope holds. Both parts are kept
 * {@code >= 0}: a fit that would need a negative fixed cost is the prior slope's fault, and then
 * the line goes through the origin with the median of {@code seconds / units} as its slope; a
 * negative slope is 0.
 *
 * <p>Not thread-safe; {@link FixedCostEstimator} guards it.
 */
final class LinearCostFit {

  /** The fewest and most tasks a window holds, whatever the weight. */
  static final int MIN_WINDOW = 8;

  static final int MAX_WINDOW = 256;

  private final int window;
  private final double priorSlope;
  private final double priorUnits;
  private final double[] units;
  private final double[] seconds;
  private int count;
  private int next;
  private double[] fit;

  /**
   * @param weight weight of the newest task, in (0, 1]: the window holds the last {@code 2 /
   *     weight} tasks (clamped to [{@link #MIN_WINDOW}, {@link #MAX_WINDOW}]), as many as an
   *     exponential average of that weight gives most of its weight to
   * @param priorSlope seconds per unit before any task, and while sizes do not vary, {@code >= 0}
   * @param priorUnits the smallest difference of sizes (in units) between two tasks that says
   *     something about the slope, {@code > 0}
   */
  LinearCostFit(double weight, double priorSlope, double priorUnits) {
    if (!(weight > 0 && weight <= 1)) {
      throw new IllegalArgumentException("fit weight must be in (0, 1], got " + weight);
    }
    if (!(priorSlope >= 0) || Double.isInfinite(priorSlope)) {
      throw new IllegalArgumentException("prior slope must be finite and >= 0, got " + priorSlope);
    }
    if (!(priorUnits > 0) || Double.isInfinite(priorUnits)) {
      throw new IllegalArgumentException("prior spread must be finite and > 0, got " + priorUnits);
    }
    this.window = window(weight);
    this.priorSlope = priorSlope;
    this.priorUnits = priorUnits;
    this.units = new double[window];
    this.seconds = new double[window];
  }

  /**
   * Tasks in a window for the fit weight {@code weight}: {@code 2 / weight}, clamped to [{@link
   * #MIN_WINDOW}, {@link #MAX_WINDOW}].
   */
  static int window(double weight) {
    return (int) Math.max(MIN_WINDOW, Math.min(MAX_WINDOW, Math.ceil(2 / weight)));
  }

  /** Adds one task of {@code units} that took {@code seconds}; ignores non-finite or negative. */
  void record(double units, double seconds) {
    if (!(units >= 0) || !(seconds >= 0) || Double.isInfinite(units + seconds)) {
      return;
    }
    this.units[next] = units;
    this.seconds[next] = seconds;
    next = (next + 1) % window;
    count = Math.min(window, count + 1);
    fit = null;
  }

  /** Whether any task was recorded. */
  boolean measured() {
    return count > 0;
  }

  /** Seconds per unit, {@code >= 0}: the prior slope before any task. */
  double slope() {
    return fit()[1];
  }

  /** Fixed seconds per call, {@code >= 0}: 0 before any task. */
  double fixed() {
    return fit()[0];
  }

  private double[] fit() {
    if (fit == null) {
      fit = count == 0 ? new double[] {0, priorSlope} : solve();
    }
    return fit;
  }

  private double[] solve() {
    double[] pairSlopes = new double[count * (count - 1) / 2];
    int pairs = 0;
    for (int i = 0; i < count; i++) {
      for (int j = i + 1; j < count; j++) {
        double dx = units[j] - units[i];
        if (Math.abs(dx) >= priorUnits) {
          pairSlopes[pairs++] = (seconds[j] - seconds[i]) / dx;
        }
      }
    }
    double slope = pairs >= count ? Math.max(0, median(pairSlopes, pairs)) : priorSlope;
    double[] residual = new double[count];
    for (int i = 0; i < count; i++) {
      residual[i] = seconds[i] - slope * units[i];
    }
    double fixed = median(residual, count);
    if (fixed < 0) {
      // the slope is too steep for these tasks: through the origin instead
      double[] ratio = new double[count];
      int sized = 0;
      for (int i = 0; i < count; i++) {
        if (units[i] > 0) {
          ratio[sized++] = seconds[i] / units[i];
        }
      }
      return new double[] {0, sized > 0 ? median(ratio, sized) : priorSlope};
    }
    return new double[] {fixed, slope};
  }

  /** The median of the first {@code n > 0} values (reorders them). */
  static double median(double[] values, int n) {
    Arrays.sort(values, 0, n);
    return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  }
}
