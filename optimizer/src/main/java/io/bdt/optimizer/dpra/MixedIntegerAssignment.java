package io.bdt.optimizer.dpra;

import org.ojalgo.optimisation.Expression;
import org.ojalgo.optimisation.ExpressionsBasedModel;
import org.ojalgo.optimisation.Optimisation;
import org.ojalgo.optimisation.Variable;

/**
 * The joint association and cut assignment of a slot at a fixed coupling price {@code mu}, as a
 * mixed-integer linear program solved by ojAlgo's integer solver: one binary per option (AP in
 * range, cut) of each gateway, exactly one per gateway.
 *
 * <p>Why a fixed {@code mu}: the consensus term {@code V / S} is the only coupling between APs, and
 * {@code V / S = max_mu (2 sqrt(V mu) - mu S)}. At a fixed {@code mu} the slot problem separates
 * per AP: AP {@code m} with served sum {@code A = A_m} costs, after minimizing over its inference
 * load {@code I} in {@code [0, F]} (with {@code c = mu w_m - q_m}),
 *
 * <pre>
 *   h(A) = 0                                   A = 0 (it mines its whole budget)
 *   h(A) = 2 A sqrt(c)                         0 &lt; A &lt;= F sqrt(c)   (c &gt; 0)
 *   h(A) = A^2 / F + c F                       otherwise (A &gt; 0)
 * </pre>
 *
 * (plus the constant {@code -mu w_m F}). {@code h} is convex for {@code A > 0}; it jumps down by
 * {@code c F} at {@code A = 0+} when {@code c <= 0} (the first served gateway earns the AP its
 * reputation reward). The program is {@code min sum_o local_o x_o + sum_m (t_m + [c_m <= 0] c_m F_m
 * y_m)} with {@code t_m} above tangents of {@code h} at {@value #BREAKPOINTS} points of {@code [0,
 * max A_m]} (an outer approximation, exact at the points), {@code y_m <= sum_{o at m} x_o} (the
 * reward only with a served gateway) and {@code sum_{o of n} x_o = 1}. This is the per-AP
 * congestion that price coordination ({@code 2 sqrt(a p_m)} per gateway at fixed prices) ignores;
 * the caller scores the assignment exactly and iterates {@code mu}.
 */
final class MixedIntegerAssignment {

  /** Tangent points per AP. */
  static final int BREAKPOINTS = 12;

  /** Safety stop for one integer solve, ms (the caller falls back to what it has). */
  private static final long TIME_ABORT_MILLIS = 2_000;

  private MixedIntegerAssignment() {}

  /**
   * The option per gateway (indices into {@code o}'s flat option arrays) that minimizes the
   * separated objective at coupling price {@code mu}, or {@code null} when ojAlgo returns no
   * feasible assignment.
   */
  static int[] assign(CutOptions o, double mu) {
    int size = o.start[o.gateways];
    double[] c = new double[o.accessPoints];
    double[] maxSum = new double[o.accessPoints];
    boolean[] hasServed = new boolean[o.accessPoints];
    double scale = 0;
    for (int n = 0; n < o.gateways; n++) {
      double[] best = new double[o.accessPoints];
      for (int i = o.start[n]; i < o.start[n + 1]; i++) {
        scale = Math.max(scale, Math.abs(o.local[i]));
        if (o.root[i] > 0) {
          hasServed[o.ap[i]] = true;
          best[o.ap[i]] = Math.max(best[o.ap[i]], o.root[i]);
        }
      }
      for (int m = 0; m < o.accessPoints; m++) {
        maxSum[m] += best[m];
      }
    }
    for (int m = 0; m < o.accessPoints; m++) {
      c[m] = mu * o.miningWeight[m] - o.reputationPrice[m];
      if (hasServed[m]) {
        scale = Math.max(scale, maxSum[m] * maxSum[m] / o.budget[m] + Math.abs(c[m]) * o.budget[m]);
      }
    }
    double unit = scale > 0 ? 1 / scale : 1;

    ExpressionsBasedModel model = new ExpressionsBasedModel();
    model.options.time_abort = TIME_ABORT_MILLIS;
    Variable[] x = new Variable[size];
    for (int i = 0; i < size; i++) {
      x[i] = model.addVariable("x" + i).binary().weight(o.local[i] * unit);
    }
    for (int n = 0; n < o.gateways; n++) {
      Expression one = model.addExpression("one" + n).level(1);
      for (int i = o.start[n]; i < o.start[n + 1]; i++) {
        one.set(x[i], 1);
      }
    }
    for (int m = 0; m < o.accessPoints; m++) {
      if (hasServed[m]) {
        addAp(model, o, x, m, c[m], maxSum[m], unit);
      }
    }
    Optimisation.Result result = model.minimise();
    if (!result.getState().isFeasible()) {
      return null;
    }
    int[] choice = new int[o.gateways];
    for (int n = 0; n < o.gateways; n++) {
      int chosen = -1;
      double largest = -1;
      for (int i = o.start[n]; i < o.start[n + 1]; i++) {
        double value = x[i].getValue().doubleValue();
        if (value > largest) {
          largest = value;
          chosen = i;
        }
      }
      choice[n] = chosen;
    }
    return choice;
  }

  /** {@code t_m} above the tangents of {@code h_m}, and the reward binary when {@code c <= 0}. */
  private static void addAp(
      ExpressionsBasedModel model,
      CutOptions o,
      Variable[] x,
      int m,
      double c,
      double maxSum,
      double unit) {
    double budget = o.budget[m];
    Variable t = model.addVariable("t" + m).lower(0).weight(unit);
    double from = 0;
    if (c > 0) {
      // the linear piece 2 sqrt(c) A, then the quadratic beyond A = F sqrt(c)
      tangent(model, o, x, t, m, 2 * Math.sqrt(c), 0, "lin" + m);
      from = budget * Math.sqrt(c);
    } else {
      Variable reward = model.addVariable("y" + m).binary().weight(c * budget * unit);
      Expression served = model.addExpression("served" + m).lower(0);
      served.set(reward, -1);
      for (int i = 0; i < o.root.length; i++) {
        if (o.ap[i] == m && o.root[i] > 0) {
          served.set(x[i], 1);
        }
      }
    }
    if (maxSum > from) {
      for (int k = 0; k < BREAKPOINTS; k++) {
        double at = from + (maxSum - from) * k / (BREAKPOINTS - 1);
        // A^2/F (+ cF when c > 0; for c <= 0 the binary carries it) above its tangent at `at`
        double intercept = (c > 0 ? c * budget : 0) - at * at / budget;
        tangent(model, o, x, t, m, 2 * at / budget, intercept, "q" + m + "_" + k);
      }
    }
  }

  /** {@code t >= slope A_m + intercept}. */
  private static void tangent(
      ExpressionsBasedModel model,
      CutOptions o,
      Variable[] x,
      Variable t,
      int m,
      double slope,
      double intercept,
      String name) {
    Expression row = model.addExpression(name).lower(intercept);
    row.set(t, 1);
    for (int i = 0; i < o.root.length; i++) {
      if (o.ap[i] == m && o.root[i] > 0) {
        row.set(x[i], -slope * o.root[i]);
      }
    }
  }
}
