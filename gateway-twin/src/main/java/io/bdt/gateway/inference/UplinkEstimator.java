package io.bdt.gateway.inference;

/**
 * The uplink rate {@code r_n(t)} to each AP (bit/s), estimated as an exponentially weighted moving
 * average of measured transfers: {@code r <- (1 - w) r + w * bits / seconds}. The transfer time of
 * one frame is the request's round trip minus the AP's reported compute time.
 */
public final class UplinkEstimator {

  private final double[] rate;
  private final double weight;

  /**
   * @param aps number of APs
   * @param initialRate bit/s assumed before the first measurement
   * @param weight weight of the newest measurement, in (0, 1]
   */
  public UplinkEstimator(int aps, double initialRate, double weight) {
    if (!(weight > 0 && weight <= 1)) {
      throw new IllegalArgumentException("uplink EWMA weight must be in (0, 1], got " + weight);
    }
    if (!(initialRate > 0) || Double.isInfinite(initialRate)) {
      throw new IllegalArgumentException(
          "initial uplink rate must be > 0 bit/s, got " + initialRate);
    }
    this.rate = new double[aps];
    java.util.Arrays.fill(rate, initialRate);
    this.weight = weight;
  }

  /**
   * Records that {@code bits} reached AP {@code m} in {@code seconds}; ignores non-positive times.
   */
  public synchronized void record(int m, double bits, double seconds) {
    if (!(seconds > 0) || !(bits > 0)) {
      return;
    }
    rate[m] = (1 - weight) * rate[m] + weight * (bits / seconds);
  }

  /** The current estimate for AP {@code m}, bit/s. */
  public synchronized double rate(int m) {
    return rate[m];
  }
}
