package io.bdt.optimizer.dpra;

/**
 * Exact frequency allocation from the KKT conditions of {@link AllocationProblem}, reduced to a
 * one-dimensional root search on the coupling multiplier of the consensus term.
 *
 * <p>Stationarity with AP price {@code nu_m} (budget multiplier) and coupling multiplier {@code mu
 * = V / S^2} gives {@code f_n = sqrt(a_n / (nu_m - q_m))} and, for an AP that mines, {@code nu_m =
 * mu w_m}. Every budget is tight (both the {@code a/f} and the {@code V/S} terms fall in every
 * share), so with {@code A_m = sum_{n in A_m} sqrt(a_n)} an AP's inference load at a given {@code
 * mu} is
 *
 * <pre>
 *   I_m(mu) = min(F_m, A_m / sqrt(mu w_m - q_m))   (F_m if mu w_m <= q_m; 0 if A_m = 0)
 *   f_m^B(mu) = F_m - I_m(mu),   f_n = sqrt(a_n) I_m / A_m
 * </pre>
 *
 * {@code S(mu) = sum_m w_m f_m^B(mu)} is continuous and non-decreasing, so {@code mu S(mu)^2 = V}
 * has exactly one root, found by safeguarded Newton on {@code ln mu} to a relative residual of
 * {@code 1e-14}. At the root {@code S = sqrt(V / mu) > 0}, so some AP always mines and {@code D^C}
 * stays finite. The optimal value depends on the cuts only through the {@code A_m}; {@link Dpra}
 * uses the static methods directly to score cut combinations without allocating.
 */
public final class KktAllocator implements FrequencyAllocator {

  private static final double RESIDUAL_TOLERANCE = 1e-14;
  private static final int MAX_ITERATIONS = 400;

  @Override
  public Allocation allocate(AllocationProblem problem) {
    int m = problem.accessPoints();
    double[] sqrtSum = new double[m];
    for (int n = 0; n < problem.gateways(); n++) {
      sqrtSum[problem.servingAp()[n]] += Math.sqrt(problem.tailWeight()[n]);
    }
    double[] budget = problem.budget();
    double[] w = problem.miningWeight();
    double[] q = problem.reputationPrice();
    double mu = couplingPrice(problem.v(), budget, w, q, sqrtSum, Double.NaN);
    double[] load = new double[m];
    double[] mining = new double[m];
    for (int a = 0; a < m; a++) {
      load[a] = inferenceLoad(mu, budget[a], w[a], q[a], sqrtSum[a]);
      mining[a] = budget[a] - load[a];
    }
    double[] inference = new double[problem.gateways()];
    for (int n = 0; n < inference.length; n++) {
      int a = problem.servingAp()[n];
      if (problem.needsShare(n)) {
        inference[n] = Math.sqrt(problem.tailWeight()[n]) * load[a] / sqrtSum[a];
      }
    }
    return new Allocation(inference, mining, problem.objective(inference, mining));
  }

  /**
   * {@code I_m(mu)}: the Hz AP m gives to inference at coupling price {@code mu}, given {@code A_m
   * = sqrtSum}.
   */
  static double inferenceLoad(double mu, double budget, double w, double q, double sqrtSum) {
    if (sqrtSum <= 0) {
      return 0;
    }
    double slack = mu * w - q;
    if (slack <= 0) {
      return budget;
    }
    return Math.min(budget, sqrtSum / Math.sqrt(slack));
  }

  /**
   * The coupling multiplier {@code mu} solving {@code mu S(mu)^2 = V}. {@code guess} (any value,
   * NaN for none) only speeds up the search.
   */
  static double couplingPrice(
      double v, double[] budget, double[] w, double[] q, double[] sqrtSum, double guess) {
    double maxRate = 0;
    for (int a = 0; a < budget.length; a++) {
      maxRate += w[a] * budget[a];
    }
    // S <= maxRate, so mu S^2 - V <= 0 at this mu: a lower end of the bracket.
    double lower = Math.log(v / (maxRate * maxRate));
    double upper = Double.POSITIVE_INFINITY;
    double logV = Math.log(v);
    double u = guess > 0 && Math.log(guess) > lower ? Math.log(guess) : lower;
    for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
      double mu = Math.exp(u);
      double rate = 0;
      double rateSlope = 0;
      for (int a = 0; a < budget.length; a++) {
        double load = inferenceLoad(mu, budget[a], w[a], q[a], sqrtSum[a]);
        rate += w[a] * (budget[a] - load);
        if (load > 0 && load < budget[a]) {
          double slack = mu * w[a] - q[a];
          rateSlope += sqrtSum[a] * w[a] * w[a] / (2 * slack * Math.sqrt(slack));
        }
      }
      if (rate <= 0) {
        lower = u;
        u = Double.isInfinite(upper) ? u + 1 : 0.5 * (u + upper);
        continue;
      }
      double residual = u + 2 * Math.log(rate) - logV;
      if (Math.abs(residual) <= RESIDUAL_TOLERANCE) {
        return mu;
      }
      if (residual < 0) {
        lower = u;
      } else {
        upper = u;
      }
      if (upper - lower <= 1e-15 * Math.max(1, Math.abs(u))) {
        return mu;
      }
      double next = u - residual / (1 + 2 * mu * rateSlope / rate);
      if (!(next > lower && next < upper)) {
        next = Double.isInfinite(upper) ? lower + Math.max(1, u - lower) : 0.5 * (lower + upper);
      }
      u = next;
    }
    return Math.exp(u);
  }

  /**
   * The optimal allocation objective {@code sum_m [A_m^2 / I_m - q_m I_m] + V / S} at coupling
   * price {@code mu}.
   */
  static double optimalValue(
      double v, double mu, double[] budget, double[] w, double[] q, double[] sqrtSum) {
    double value = 0;
    double rate = 0;
    for (int a = 0; a < budget.length; a++) {
      double load = inferenceLoad(mu, budget[a], w[a], q[a], sqrtSum[a]);
      if (load > 0) {
        value += sqrtSum[a] * sqrtSum[a] / load - q[a] * load;
      }
      rate += w[a] * (budget[a] - load);
    }
    return value + v / rate;
  }

  /**
   * {@code h_m(A; mu) = min_{0 <= I <= F} A^2 / I - q I - mu w (F - I)}: AP m's part of the
   * Lagrangian at coupling price {@code mu} with served sum {@code A = sqrtSum} ({@code -mu w F}
   * when it serves nobody). Summed over the APs plus {@code 2 sqrt(V mu)} it is a lower bound of
   * {@link #optimalValue} for any {@code mu}, equal to it at the root of {@code mu S^2 = V}.
   */
  static double apLagrangian(double mu, double budget, double w, double q, double sqrtSum) {
    if (sqrtSum <= 0) {
      return -mu * w * budget;
    }
    double load = inferenceLoad(mu, budget, w, q, sqrtSum);
    return sqrtSum * sqrtSum / load - q * load - mu * w * (budget - load);
  }

  /**
   * {@code nu_m - q_m}: AP m's net price of one more Hz of inference at coupling price {@code mu}
   * (the budget multiplier minus the reputation reward).
   */
  static double netPrice(double mu, double budget, double w, double q, double sqrtSum) {
    if (sqrtSum > 0) {
      double load = inferenceLoad(mu, budget, w, q, sqrtSum);
      double perHz = sqrtSum / load;
      return perHz * perHz;
    }
    return mu * w - q;
  }
}
