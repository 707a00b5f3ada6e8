package io.bdt.optimizer.dpra;

import io.bdt.optimizer.model.SlotCost;
import java.util.Arrays;
import java.util.Objects;

/**
 * Reference solver for small slots: every cut combination times a fine frequency grid, with no use
 * of the KKT conditions, so that {@link Dpra} can be checked against it.
 *
 * <p>For one cut combination, the gateways that need a share at AP {@code m} split what is left
 * after mining, {@code I_m = F_m - f_m^B}, in grid fractions {@code x_n = j_n / G_split} ({@code
 * j_n >= 1}, {@code sum j_n = G_split}). Their latency term is {@code sum a_n / (x_n I_m) = (1 /
 * I_m) min_x sum a_n / x_n}: the best grid split does not depend on {@code I_m}, so it is found
 * once per AP and combination. The mining shares are then searched over a grid on {@code [0,
 * F_m]^M}: a coarse grid of {@code 33} points per AP, then five refinements, each a 33-point grid
 * over four cells of the previous one around its best point (final spacing {@code F_m / 2^20}).
 * That refinement is sound because, for fixed cuts and split fractions, the objective is convex in
 * the mining shares; the split grid itself is exhaustive.
 *
 * <p>Budgets are spent in full (every term falls in every share, so an unspent Hz only loses).
 *
 * <p>Cost: {@code prod_n K_n} combinations, each {@code O(sum_m C(G_split - 1, n_m - 1) + 6 *
 * 33^M)} with {@code n_m} the number of served gateways at AP m. With {@code G_split = 400}, at
 * most three served gateways per AP (160 000 splits) and M = 2 this is about 7 000 grid points per
 * combination; M = 4 already needs 7 million. It refuses more than three gateways at one AP.
 */
public final class BruteForceOracle implements Policy {

  /** Report name. */
  public static final String NAME = "ORACLE";

  private static final int SPLIT_GRID = 400;
  private static final int POINTS = 33;
  private static final int REFINEMENTS = 5;

  private final SystemParameters parameters;

  public BruteForceOracle(SystemParameters parameters) {
    this.parameters = Objects.requireNonNull(parameters, "parameters");
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public SlotDecision decide(SlotObservation observation) {
    return plan(observation).decision();
  }

  /** The best decision over all cut combinations and the grid, with its drift-plus-penalty. */
  public SlotPlan plan(SlotObservation observation) {
    int n = observation.gateways();
    int[] counts = new int[n];
    for (int g = 0; g < n; g++) {
      counts[g] = observation.hasTask(g) ? observation.models().get(g).cuts().size() : 1;
    }
    int[] cut = new int[n];
    for (int g = 0; g < n; g++) {
      cut[g] = observation.models().get(g).fullyLocalCut();
    }
    int[] digit = new int[n];
    SlotPlan best = null;
    long combinations = 0;
    while (true) {
      for (int g = 0; g < n; g++) {
        cut[g] = observation.hasTask(g) ? digit[g] : observation.models().get(g).fullyLocalCut();
      }
      SlotPlan candidate = planForCuts(observation, cut);
      combinations++;
      if (best == null || candidate.objective() < best.objective()) {
        best = candidate;
      }
      int g = 0;
      while (g < n && ++digit[g] == counts[g]) {
        digit[g] = 0;
        g++;
      }
      if (g == n) {
        break;
      }
    }
    return new SlotPlan(best.decision(), best.objective(), combinations);
  }

  /** The best grid allocation for the given cuts, with its drift-plus-penalty value. */
  public SlotPlan planForCuts(SlotObservation observation, int[] cut) {
    int n = observation.gateways();
    int m = observation.accessPoints();
    double v = parameters.v();
    double constant = v * parameters.consensusOverheadSeconds();
    double[] weight = new double[n];
    for (int g = 0; g < n; g++) {
      // an unlimited share leaves exactly T_loc + T_tx; the AP term is searched below
      constant +=
          v * SlotCost.gatewayLatency(observation, parameters, g, cut[g], Double.POSITIVE_INFINITY);
      weight[g] = AllocationProblem.tailWeight(observation, parameters, g, cut[g]);
    }
    double[] fraction = new double[n];
    double[] splitCost = new double[m];
    boolean[] serves = new boolean[m];
    for (int a = 0; a < m; a++) {
      int[] served = servedAt(observation, weight, a);
      serves[a] = served.length > 0;
      splitCost[a] = bestSplit(weight, served, fraction);
    }
    double[] w = new double[m];
    double[] q = new double[m];
    for (int a = 0; a < m; a++) {
      w[a] =
          1.0 / (parameters.cyclesPerHash() * parameters.difficulty(observation.reputation()[a]));
      q[a] = observation.virtualQueue()[a] * parameters.omega() / observation.apBudget()[a];
      constant -=
          observation.virtualQueue()[a] * (1 - parameters.omega()) * observation.reputation()[a];
    }
    double[] budget = observation.apBudget();
    double[] mining = searchMining(v, budget, w, q, splitCost, serves);
    double value = constant + allocationValue(v, budget, w, q, splitCost, serves, mining);
    double[] inference = new double[n];
    for (int g = 0; g < n; g++) {
      if (weight[g] > 0) {
        int a = observation.servingAp()[g];
        inference[g] = fraction[g] * (budget[a] - mining[a]);
      }
    }
    return new SlotPlan(new SlotDecision(cut.clone(), inference, mining), value, 1);
  }

  private static int[] servedAt(SlotObservation observation, double[] weight, int ap) {
    int count = 0;
    for (int g = 0; g < weight.length; g++) {
      if (weight[g] > 0 && observation.servingAp()[g] == ap) {
        count++;
      }
    }
    if (count > 3) {
      throw new IllegalArgumentException(
          "BruteForceOracle handles at most 3 served gateways per AP, AP " + ap + " has " + count);
    }
    int[] served = new int[count];
    int i = 0;
    for (int g = 0; g < weight.length; g++) {
      if (weight[g] > 0 && observation.servingAp()[g] == ap) {
        served[i++] = g;
      }
    }
    return served;
  }

  /** {@code min_x sum a_n / x_n} over the split grid; writes the best fractions. */
  private static double bestSplit(double[] a, int[] served, double[] fraction) {
    switch (served.length) {
      case 0:
        return 0;
      case 1:
        fraction[served[0]] = 1;
        return a[served[0]];
      case 2:
        {
          double best = Double.POSITIVE_INFINITY;
          int bestJ = 0;
          for (int j = 1; j < SPLIT_GRID; j++) {
            double x = (double) j / SPLIT_GRID;
            double cost = a[served[0]] / x + a[served[1]] / (1 - x);
            if (cost < best) {
              best = cost;
              bestJ = j;
            }
          }
          fraction[served[0]] = (double) bestJ / SPLIT_GRID;
          fraction[served[1]] = 1 - fraction[served[0]];
          return best;
        }
      default:
        {
          double best = Double.POSITIVE_INFINITY;
          int bestI = 0;
          int bestJ = 0;
          for (int i = 1; i < SPLIT_GRID - 1; i++) {
            for (int j = 1; i + j < SPLIT_GRID; j++) {
              double x = (double) i / SPLIT_GRID;
              double y = (double) j / SPLIT_GRID;
              double cost = a[served[0]] / x + a[served[1]] / y + a[served[2]] / (1 - x - y);
              if (cost < best) {
                best = cost;
                bestI = i;
                bestJ = j;
              }
            }
          }
          fraction[served[0]] = (double) bestI / SPLIT_GRID;
          fraction[served[1]] = (double) bestJ / SPLIT_GRID;
          fraction[served[2]] = 1 - fraction[served[0]] - fraction[served[1]];
          return best;
        }
    }
  }

  /**
   * {@code sum_m [splitCost_m / I_m - q_m I_m] + V / S}, with {@code I_m = F_m - f_m^B} for APs
   * that serve someone.
   */
  private static double allocationValue(
      double v,
      double[] budget,
      double[] w,
      double[] q,
      double[] splitCost,
      boolean[] serves,
      double[] mining) {
    double value = 0;
    double rate = 0;
    for (int a = 0; a < budget.length; a++) {
      double inference = budget[a] - mining[a];
      if (serves[a]) {
        if (!(inference > 0)) {
          return Double.POSITIVE_INFINITY;
        }
        value += splitCost[a] / inference - q[a] * inference;
      }
      rate += w[a] * mining[a];
    }
    return rate > 0 ? value + v / rate : Double.POSITIVE_INFINITY;
  }

  /** Coarse-to-fine grid search of the mining shares. */
  private static double[] searchMining(
      double v, double[] budget, double[] w, double[] q, double[] splitCost, boolean[] serves) {
    int m = budget.length;
    double[] low = new double[m];
    double[] step = new double[m];
    for (int a = 0; a < m; a++) {
      step[a] = budget[a] / (POINTS - 1);
    }
    double[] best = new double[m];
    double bestValue = Double.POSITIVE_INFINITY;
    double[] point = new double[m];
    int[] index = new int[m];
    for (int level = 0; level <= REFINEMENTS; level++) {
      Arrays.fill(index, 0);
      while (true) {
        for (int a = 0; a < m; a++) {
          point[a] = Math.min(budget[a], Math.max(0, low[a] + index[a] * step[a]));
        }
        double value = allocationValue(v, budget, w, q, splitCost, serves, point);
        if (value < bestValue) {
          bestValue = value;
          System.arraycopy(point, 0, best, 0, m);
        }
        int a = 0;
        while (a < m && ++index[a] == POINTS) {
          index[a] = 0;
          a++;
        }
        if (a == m) {
          break;
        }
      }
      for (int a = 0; a < m; a++) {
        // next level: 33 points across +-2 cells around the best point
        low[a] = best[a] - 2 * step[a];
        step[a] = 4 * step[a] / (POINTS - 1);
      }
    }
    return best;
  }
}
