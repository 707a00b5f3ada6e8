package io.bdt.optimizer.dpra;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks the KKT conditions of an {@link AllocationProblem} at a proposed solution, from the
 * problem's own formulas (not from any solver's internals).
 */
final class KktCheck {

  private KktCheck() {}

  /**
   * Asserts: shares >= 0, budgets tight, every gateway at an AP sees the same budget price {@code
   * nu_m = a_n / f_n^2 + q_m}, and {@code nu_m >= mu w_m = V w_m / S^2} with equality where the AP
   * mines (complementary slackness), to relative tolerance {@code tolerance}.
   */
  static void assertStationary(AllocationProblem p, Allocation x, double tolerance) {
    int m = p.accessPoints();
    double s = 0;
    for (int a = 0; a < m; a++) {
      s += p.miningWeight()[a] * x.miningShare()[a];
    }
    double mu = p.v() / (s * s);
    double[] used = new double[m];
    double[] price = new double[m];
    java.util.Arrays.fill(price, Double.NaN);
    for (int n = 0; n < p.gateways(); n++) {
      double f = x.inferenceShare()[n];
      assertThat(f).as("inferenceShare[%d]", n).isGreaterThanOrEqualTo(0);
      int a = p.servingAp()[n];
      used[a] += f;
      if (!p.needsShare(n)) {
        assertThat(f).as("share of gateway %d that needs none", n).isZero();
        continue;
      }
      double nu = p.tailWeight()[n] / (f * f) + p.reputationPrice()[a];
      if (Double.isNaN(price[a])) {
        price[a] = nu;
      } else {
        assertThat(Math.abs(nu - price[a]))
            .as("equal marginal price at AP %d", a)
            .isLessThanOrEqualTo(tolerance * price[a]);
      }
    }
    for (int a = 0; a < m; a++) {
      double fb = x.miningShare()[a];
      assertThat(fb).as("miningShare[%d]", a).isGreaterThanOrEqualTo(0);
      assertThat(Math.abs(used[a] + fb - p.budget()[a]))
          .as("budget of AP %d is tight", a)
          .isLessThanOrEqualTo(tolerance * p.budget()[a]);
      double miningPrice = mu * p.miningWeight()[a];
      if (Double.isNaN(price[a])) {
        continue; // no inference at this AP: it mines everything, nothing to compare
      }
      if (fb > tolerance * p.budget()[a]) {
        assertThat(Math.abs(price[a] - miningPrice))
            .as("AP %d mines, so its price equals mu w_m", a)
            .isLessThanOrEqualTo(tolerance * miningPrice * 10);
      } else {
        assertThat(price[a])
            .as("AP %d does not mine, so its price is at least mu w_m", a)
            .isGreaterThanOrEqualTo(miningPrice * (1 - 10 * tolerance));
      }
    }
  }
}
