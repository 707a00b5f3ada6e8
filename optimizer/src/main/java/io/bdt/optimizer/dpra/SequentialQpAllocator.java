package io.bdt.optimizer.dpra;

import java.util.ArrayList;
import java.util.List;
import org.ojalgo.optimisation.Expression;
import org.ojalgo.optimisation.ExpressionsBasedModel;
import org.ojalgo.optimisation.Optimisation;
import org.ojalgo.optimisation.Variable;

/**
 * Frequency allocation by sequential convex quadratic programming on ojAlgo: an independent check
 * of {@link KktAllocator} that shares none of its reasoning.
 *
 * <p>Each iteration expands the objective to second order at the current shares (the {@code a/f}
 * terms give a diagonal Hessian {@code 2a/f^3}, the consensus term {@code V/S} a rank-one {@code 2V
 * w w^T / S^3}), keeps the per-AP budget rows exactly, and bounds each variable to {@code [f/10, 10
 * f]} (within {@code [0, F_m]}) so that the step stays where the expansion is trustworthy and
 * {@code f} stays positive. ojAlgo's convex solver solves that QP; an Armijo backtracking line
 * search on the true objective then damps the step. Variables are scaled by {@code max F_m} and the
 * mining weights by {@code max w_m} so the QP is well conditioned. It stops when an iteration
 * improves the objective by less than {@code 1e-15} relative, after at most 200 iterations.
 *
 * <p>Slow (one ojAlgo model per iteration): for tests and cross-checks, not for the per-slot loop.
 */
public final class SequentialQpAllocator implements FrequencyAllocator {

  private static final int MAX_ITERATIONS = 200;

  @Override
  public Allocation allocate(AllocationProblem problem) {
    int m = problem.accessPoints();
    List<Integer> served = new ArrayList<>();
    int[] perAp = new int[m];
    for (int n = 0; n < problem.gateways(); n++) {
      if (problem.needsShare(n)) {
        served.add(n);
        perAp[problem.servingAp()[n]]++;
      }
    }
    int k = served.size();
    int size = k + m;
    double scale = 0;
    double maxW = 0;
    for (int a = 0; a < m; a++) {
      scale = Math.max(scale, problem.budget()[a]);
      maxW = Math.max(maxW, problem.miningWeight()[a]);
    }
    // Scaled problem in y = f / scale:  sum ah_i / y_i + vh / T - sum qh_i y_i,  T = sum wh_a y_a.
    int[] ap = new int[size];
    double[] ah = new double[k];
    double[] qh = new double[k];
    double[] cap = new double[size];
    for (int i = 0; i < k; i++) {
      int n = served.get(i);
      ap[i] = problem.servingAp()[n];
      ah[i] = problem.tailWeight()[n] / scale;
      qh[i] = problem.reputationPrice()[ap[i]] * scale;
      cap[i] = problem.budget()[ap[i]] / scale;
    }
    double[] wh = new double[m];
    for (int a = 0; a < m; a++) {
      ap[k + a] = a;
      wh[a] = problem.miningWeight()[a] / maxW;
      cap[k + a] = problem.budget()[a] / scale;
    }
    double vh = problem.v() / (scale * maxW);
    Objective objective = new Objective(k, m, ah, qh, wh, vh);

    double[] y = new double[size];
    for (int i = 0; i < size; i++) {
      y[i] = cap[i] / (perAp[ap[i]] + 1);
    }
    double value = objective.value(y);
    for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
      double[] target = solveQp(objective, y, cap, ap, m);
      if (target == null) {
        break;
      }
      double[] gradient = objective.gradient(y);
      double slope = 0;
      for (int i = 0; i < size; i++) {
        slope += gradient[i] * (target[i] - y[i]);
      }
      if (slope >= 0) {
        break;
      }
      double step = 1;
      double[] trial = new double[size];
      double trialValue = Double.POSITIVE_INFINITY;
      for (int backtrack = 0; backtrack < 60; backtrack++) {
        for (int i = 0; i < size; i++) {
          trial[i] = y[i] + step * (target[i] - y[i]);
        }
        trialValue = objective.value(trial);
        if (trialValue <= value + 1e-4 * step * slope) {
          break;
        }
        step *= 0.5;
      }
      if (!(trialValue < value)) {
        break;
      }
      double improvement = value - trialValue;
      y = trial;
      value = trialValue;
      if (improvement <= 1e-15 * Math.abs(value)) {
        break;
      }
    }

    double[] inference = new double[problem.gateways()];
    double[] mining = new double[m];
    for (int i = 0; i < k; i++) {
      inference[served.get(i)] = y[i] * scale;
    }
    for (int a = 0; a < m; a++) {
      mining[a] = y[k + a] * scale;
    }
    return new Allocation(inference, mining, problem.objective(inference, mining));
  }

  /**
   * Minimizes the quadratic model at {@code y} over the budget rows and the step limits; returns
   * the new point, or null when ojAlgo finds no model improvement.
   *
   * <p>The QP is posed in the relative step {@code s} with {@code z = y + D s}, {@code D =
   * diag(y_i)} for gateway shares and {@code D = diag(F_m)} for mining shares: this diagonal
   * scaling turns the Hessian's {@code 2a/y^3} into {@code 2a/y}, the size of the objective's own
   * terms, which keeps the QP well conditioned however small a share gets.
   */
  private static double[] solveQp(Objective objective, double[] y, double[] cap, int[] ap, int m) {
    int size = y.length;
    int k = size - m;
    double[] g = objective.gradient(y);
    double[][] h = objective.hessian(y);
    double[] d = new double[size];
    for (int i = 0; i < size; i++) {
      d[i] = i < k ? y[i] : cap[i];
    }
    ExpressionsBasedModel model = new ExpressionsBasedModel();
    Variable[] step = new Variable[size];
    for (int i = 0; i < size; i++) {
      // a/f blows up at 0, so a gateway's share may shrink at most tenfold per step; a mining
      // share may reach 0, with the total block rate kept away from 0 by the rate row below
      double lower = i < k ? y[i] / 10 : 0;
      double upper = Math.min(cap[i], 10 * y[i] + cap[i] / 100);
      step[i] =
          model.addVariable("s" + i).lower((lower - y[i]) / d[i]).upper((upper - y[i]) / d[i]);
    }
    Expression cost = model.addExpression("cost").weight(1);
    for (int i = 0; i < size; i++) {
      for (int j = 0; j < size; j++) {
        if (h[i][j] != 0) {
          cost.set(step[i], step[j], 0.5 * h[i][j] * d[i] * d[j]);
        }
      }
      cost.set(step[i], g[i] * d[i]);
    }
    Expression[] budgetRow = new Expression[m];
    double[] slack = new double[m];
    for (int a = 0; a < m; a++) {
      slack[a] = cap[k + a];
    }
    for (int i = 0; i < size; i++) {
      slack[ap[i]] -= y[i];
    }
    for (int a = 0; a < m; a++) {
      // Both the a/f and the V/S terms fall in every share, so the optimum spends every budget;
      // stating the rows as equalities also spares ojAlgo's active-set method the degenerate
      // zero-slack inequalities it otherwise stalls on.
      budgetRow[a] = model.addExpression("budget" + a).level(slack[a]);
    }
    for (int i = 0; i < size; i++) {
      budgetRow[ap[i]].set(step[i], d[i]);
    }
    double rate = objective.rate(y);
    Expression rateRow = model.addExpression("rate").lower(rate / 10 - rate);
    for (int a = 0; a < m; a++) {
      rateRow.set(step[k + a], objective.wh()[a] * d[k + a]);
    }
    Optimisation.Result result = model.minimise();
    if (!result.getState().isFeasible()) {
      return null;
    }
    double[] target = new double[size];
    for (int i = 0; i < size; i++) {
      double lower = i < k ? y[i] / 10 : 0;
      target[i] = Math.min(cap[i], Math.max(lower, y[i] + d[i] * result.doubleValue(i)));
    }
    // ojAlgo meets rows to its own tolerance; scale back onto the budgets so that a rounding
    // excess never shows up as an objective gain
    double[] used = new double[m];
    for (int i = 0; i < size; i++) {
      used[ap[i]] += target[i];
    }
    for (int i = 0; i < size; i++) {
      double budget = cap[k + ap[i]];
      if (used[ap[i]] > budget) {
        target[i] *= budget / used[ap[i]];
      }
    }
    return target;
  }

  /** The scaled allocation objective with its gradient and Hessian. */
  private record Objective(int k, int m, double[] ah, double[] qh, double[] wh, double vh) {

    double rate(double[] y) {
      double t = 0;
      for (int a = 0; a < m; a++) {
        t += wh[a] * y[k + a];
      }
      return t;
    }

    double value(double[] y) {
      double value = 0;
      for (int i = 0; i < k; i++) {
        if (!(y[i] > 0)) {
          return Double.POSITIVE_INFINITY;
        }
        value += ah[i] / y[i] - qh[i] * y[i];
      }
      double t = rate(y);
      return t > 0 ? value + vh / t : Double.POSITIVE_INFINITY;
    }

    double[] gradient(double[] y) {
      double[] g = new double[k + m];
      for (int i = 0; i < k; i++) {
        g[i] = -ah[i] / (y[i] * y[i]) - qh[i];
      }
      double t = rate(y);
      for (int a = 0; a < m; a++) {
        g[k + a] = -vh * wh[a] / (t * t);
      }
      return g;
    }

    double[][] hessian(double[] y) {
      double[][] h = new double[k + m][k + m];
      for (int i = 0; i < k; i++) {
        h[i][i] = 2 * ah[i] / (y[i] * y[i] * y[i]);
      }
      double t = rate(y);
      double c = 2 * vh / (t * t * t);
      for (int a = 0; a < m; a++) {
        for (int b = 0; b < m; b++) {
          h[k + a][k + b] = c * wh[a] * wh[b];
        }
      }
      return h;
    }
  }
}
