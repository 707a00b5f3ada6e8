package io.bdt.optimizer.dpra;

import java.util.Objects;

/**
 * The running mean, over the slots a controller has decided, of each AP's realized marginal
 * consensus value of reputation {@code rho_m(s) = eta lambda_m(s) / (omega Lambda(s)^2)} (seconds
 * per unit of reputation): DPRA's estimate of what a unit of {@code R_m(t+1)} saves in later slots'
 * consensus latency.
 *
 * <p>The saving a unit of reputation earned now brings is {@code sum_{s>=1} (1-omega)^(s-1) eta
 * lambda_m(t+s) / Lambda(t+s)^2}: it depends on the block rates of the <em>following</em> slots,
 * whose tasks are not drawn yet. Under a stationary workload that sum is {@code (1/omega) E[eta
 * lambda_m / Lambda^2]}, the expectation over the slots the policy produces, and the mean of the
 * realized values is its estimate. It does not depend on this slot's tasks, which is the point: the
 * current slot's block rate is low exactly when the AP has much tail work to serve (see {@code
 * docs/dpra.md}).
 *
 * <p>Synchronized: one estimate may be shared by the threads that share a {@link Dpra}.
 */
final class ReputationValueEstimate {

  private double[] sum;
  private long slots;

  /** Adds one slot's realized {@code rho_m} (one entry per AP). */
  synchronized void record(double[] rho) {
    Objects.requireNonNull(rho, "rho");
    if (sum == null) {
      sum = new double[rho.length];
    } else if (rho.length != sum.length) {
      throw new IllegalArgumentException(
          "reputation value has "
              + rho.length
              + " APs but earlier slots of this controller had "
              + sum.length);
    }
    for (int m = 0; m < rho.length; m++) {
      sum[m] += rho[m];
    }
    slots++;
  }

  /** The mean of the recorded values, or {@code null} before the first slot. */
  synchronized double[] mean() {
    if (slots == 0) {
      return null;
    }
    double[] mean = new double[sum.length];
    for (int m = 0; m < mean.length; m++) {
      mean[m] = sum[m] / slots;
    }
    return mean;
  }

  /** Number of slots recorded. */
  synchronized long slots() {
    return slots;
  }
}
