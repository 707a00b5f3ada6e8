package io.bdt.gateway.inference;

/**
 * A running fit of {@code seconds = fixed + perUnit * units} to measured tasks (units: FLOPs of a
 * head run, or bits of an offloaded frame), so that a fixed cost per call is not mistaken for a
 * rate: exponentially weighted least squares (the newest task has weight {@code weight}, older ones
 * fade by {@code 1 - weight} per task), pulled towards a prior slope with the strength of a spread
 * of {@code priorUnits} in the measured units. While every task has the same size (a gateway that
 * stays at one cut), the data cannot separate the two, and the prior slope holds; once sizes vary
 * (several cuts), the data decide. Both parts are kept {@code >= 0}: a fit that would need a
 * negative fixed cost is the prior slope's fault, and then the line goes through the origin (the
 * EWMA rate the gateway used before); a negative slope is 0.
 *
 * <p>Not thread-safe; {@link FixedCostEstimator} guards it.
 */
final class LinearCostFit {

  private final double weight;
  private final double priorSlope;
  private final double priorStrength;
  private double w;
  private double sx;
  private double sy;
  private double sxx;
  private double sxy;

  /**
   * @param weight weight of the newest task, in (0, 1]
   * @param priorSlope seconds per unit before any task, and while sizes do not vary, {@code >= 0}
   * @param priorUnits spread of sizes (in units) at which data and prior weigh the same, {@code >
   *     0}
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
    this.weight = weight;
    this.priorSlope = priorSlope;
    this.priorStrength = priorUnits * priorUnits;
  }

  /** Adds one task of {@code units} that took {@code seconds}; ignores non-finite or negative. */
  void record(double units, double seconds) {
    if (!(units >= 0) || !(seconds >= 0) || Double.isInfinite(units + seconds)) {
      return;
    }
    double keep = 1 - weight;
    w = keep * w + weight;
    sx = keep * sx + weight * units;
    sy = keep * sy + weight * seconds;
    sxx = keep * sxx + weight * units * units;
    sxy = keep * sxy + weight * units * seconds;
  }

  /** Whether any task was recorded. */
  boolean measured() {
    return w > 0;
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
    if (w == 0) {
      return new double[] {0, priorSlope};
    }
    double mx = sx / w;
    double my = sy / w;
    double cxx = Math.max(0, sxx / w - mx * mx);
    double cxy = sxy / w - mx * my;
    double slope = Math.max(0, (cxy + priorStrength * priorSlope) / (cxx + priorStrength));
    double fixed = my - slope * mx;
    if (fixed < 0) {
      // the prior slope is too steep for these tasks: through the origin instead
      fixed = 0;
      slope = sxx > 0 ? Math.max(0, sxy / sxx) : priorSlope;
    }
    return new double[] {fixed, slope};
  }
}
