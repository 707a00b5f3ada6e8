package io.bdt.optimizer.model;

import io.bdt.optimizer.dpra.SystemParameters;

/**
 * One-slot update of an AP's off-chain reputation and of its reputation-deficit virtual queue
 * (system-model.md):
 *
 * <pre>
 *   R_m(t+1) = (1 - omega) R_m(t) + omega x_m(t)
 *   Q_m(t+1) = max(Q_m(t) + R_min - R_m(t+1), 0)
 * </pre>
 *
 * Reputations and contribution shares are dimensionless, in [0, 1].
 *
 * @param omega {@code omega}: smoothing factor in (0, 1]
 * @param rMin {@code R_min}: long-term reputation floor in [0, 1]
 */
public record ReputationDynamics(double omega, double rMin) {

  public ReputationDynamics {
    if (!(omega > 0 && omega <= 1)) {
      throw new IllegalArgumentException("omega must be in (0, 1], got " + omega);
    }
    if (!(rMin >= 0 && rMin <= 1)) {
      throw new IllegalArgumentException("rMin must be in [0, 1], got " + rMin);
    }
  }

  /** The dynamics with {@code omega} and {@code R_min} of {@code parameters}. */
  public static ReputationDynamics of(SystemParameters parameters) {
    return new ReputationDynamics(parameters.omega(), parameters.rMin());
  }

  /** {@code R_m(t+1)} from {@code R_m(t)} and the slot's contribution share {@code x_m(t)}. */
  public double nextReputation(double reputation, double contributionShare) {
    if (!(contributionShare >= 0 && contributionShare <= 1)) {
      throw new IllegalArgumentException(
          "contributionShare must be in [0, 1], got " + contributionShare);
    }
    return (1 - omega) * reputation + omega * contributionShare;
  }

  /** {@code Q_m(t+1)} from {@code Q_m(t)} and the already updated {@code R_m(t+1)}. */
  public double nextQueue(double virtualQueue, double nextReputation) {
    return Math.max(virtualQueue + rMin - nextReputation, 0);
  }

  /** {@link #nextReputation(double, double)} for every AP; returns a new array. */
  public double[] nextReputation(double[] reputation, double[] contributionShare) {
    requireSameLength(reputation.length, contributionShare.length);
    double[] next = new double[reputation.length];
    for (int m = 0; m < next.length; m++) {
      next[m] = nextReputation(reputation[m], contributionShare[m]);
    }
    return next;
  }

  /** {@link #nextQueue(double, double)} for every AP; returns a new array. */
  public double[] nextQueue(double[] virtualQueue, double[] nextReputation) {
    requireSameLength(virtualQueue.length, nextReputation.length);
    double[] next = new double[virtualQueue.length];
    for (int m = 0; m < next.length; m++) {
      next[m] = nextQueue(virtualQueue[m], nextReputation[m]);
    }
    return next;
  }

  private static void requireSameLength(int a, int b) {
    if (a != b) {
      throw new IllegalArgumentException(
          "per-AP arrays must have the same length (one entry per AP), got " + a + " and " + b);
    }
  }
}
