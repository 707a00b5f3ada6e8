package io.bdt.optimizer.dpra;

import java.util.Arrays;

/**
 * Working state of one slot's cut search for {@link Dpra}: exhaustive enumeration, coordinate
 * descent at a coupling price and the mixed-integer rounds over the (AP in range, cut) options of a
 * {@link CutOptions}; its best combination becomes the slot's plan.
 */
final class CutSearch {

  private static final int MAX_PRICE_ROUNDS = 30;
  private static final int MAX_SWEEPS = 100;

  private final CutOptions o;

  /** Chosen option index (into the flat option arrays) per gateway. */
  private final int[] choice;

  private final double[] sqrtSum;

  /** Number of gateways with tail work per AP. */
  private final int[] served;

  private double localSum;
  private double mu = Double.NaN;
  private long evaluations;

  private final int[] bestChoice;
  private double bestValue = Double.POSITIVE_INFINITY;
  private double bestMu = Double.NaN;

  CutSearch(CutOptions options) {
    o = options;
    choice = new int[o.gateways];
    bestChoice = new int[o.gateways];
    sqrtSum = new double[o.accessPoints];
    served = new int[o.accessPoints];
  }

  /** {@code constant + localSum + G(sqrtSum)}; updates the warm-start {@code mu}. */
  private double score() {
    evaluations++;
    mu = KktAllocator.couplingPrice(o.v, o.budget, o.miningWeight, o.reputationPrice, sqrtSum, mu);
    return o.constant
        + localSum
        + KktAllocator.optimalValue(o.v, mu, o.budget, o.miningWeight, o.reputationPrice, sqrtSum);
  }

  private void set(int n, int option) {
    int old = choice[n];
    remove(old);
    add(option);
    localSum += o.local[option] - o.local[old];
    choice[n] = option;
  }

  private void remove(int option) {
    if (o.root[option] > 0) {
      int m = o.ap[option];
      served[m]--;
      // an AP that serves nobody must see exactly 0, not the rounding residue of the updates:
      // G jumps at A_m = 0 (the first served gateway earns the AP reputation)
      sqrtSum[m] = served[m] == 0 ? 0 : sqrtSum[m] - o.root[option];
    }
  }

  private void add(int option) {
    if (o.root[option] > 0) {
      int m = o.ap[option];
      served[m]++;
      sqrtSum[m] += o.root[option];
    }
  }

  private void load(int[] options) {
    Arrays.fill(sqrtSum, 0);
    Arrays.fill(served, 0);
    localSum = 0;
    for (int n = 0; n < o.gateways; n++) {
      choice[n] = options[n];
      add(options[n]);
      localSum += o.local[options[n]];
    }
  }

  private void keepIfBest(double value) {
    if (value < bestValue) {
      bestValue = value;
      bestMu = mu;
      System.arraycopy(choice, 0, bestChoice, 0, choice.length);
    }
  }

  /** Scores every combination (odometer order, sums updated incrementally). */
  void enumerate() {
    int[] first = new int[o.gateways];
    for (int n = 0; n < o.gateways; n++) {
      first[n] = o.start[n];
    }
    load(first);
    while (true) {
      keepIfBest(score());
      int n = 0;
      while (n < o.gateways) {
        int next = choice[n] + 1;
        if (next < o.start[n + 1]) {
          set(n, next);
          break;
        }
        set(n, o.start[n]);
        n++;
      }
      if (n == o.gateways) {
        break;
      }
    }
    // recompute sums from scratch so that rounding from incremental updates does not leak
    load(bestChoice);
    mu = bestMu;
    bestValue = score();
  }

  /** Price coordination, then coordinate descent from the best iterate. */
  void coordinate() {
    int[] start = new int[o.gateways];
    for (int n = 0; n < o.gateways; n++) {
      start[n] = bestByOwnLatency(n);
    }
    load(start);
    double value = score();
    keepIfBest(value);
    int[] proposal = new int[o.gateways];
    for (int round = 0; round < MAX_PRICE_ROUNDS; round++) {
      boolean changed = false;
      double[] prices = netPrices();
      double[] rootPrices = new double[prices.length];
      for (int m = 0; m < prices.length; m++) {
        rootPrices[m] = prices[m] > 0 ? Math.sqrt(prices[m]) : 0;
      }
      for (int n = 0; n < o.gateways; n++) {
        proposal[n] = bestAtPrices(n, prices, rootPrices);
        changed |= proposal[n] != choice[n];
      }
      if (!changed) {
        break;
      }
      load(proposal);
      keepIfBest(score());
    }
    load(bestChoice);
    mu = bestMu;
    descend(score());
    bestValue = Double.POSITIVE_INFINITY;
    keepIfBest(score());
  }

  /**
   * The ojAlgo tier, after {@link #coordinate}: up to {@code rounds} mixed-integer assignments
   * ({@link MixedIntegerAssignment}) at the coupling price of the best combination so far, each
   * scored exactly and improved by coordinate descent; the best of all is kept, so the result is
   * never worse than coordination alone. Stops early when an assignment repeats.
   */
  void mixedInteger(int rounds) {
    double price = bestMu;
    int[] previous = null;
    for (int round = 0; round < rounds; round++) {
      int[] assignment = MixedIntegerAssignment.assign(o, price);
      if (assignment == null || Arrays.equals(assignment, previous)) {
        break;
      }
      previous = assignment;
      load(assignment);
      mu = price;
      descend(score());
      keepIfBest(score());
      price = mu;
    }
  }

  /**
   * How the slot's Lagrangian at coupling price {@code mu} changes when a gateway moves from option
   * {@code from} (its current one) to {@code to}: {@code L(x, mu) = constant + localSum + sum_m
   * h_m(A_m; mu) + 2 sqrt(V mu)}, {@code h_m} the AP's value minimized over its load at that price
   * ({@link KktAllocator#apLagrangian}). {@code V / S = max_mu (2 sqrt(V mu) - mu S)}, so {@code
   * L(x', mu)} is a lower bound of the exact value of {@code x'}, and equals the exact value of
   * {@code x} at its own {@code mu}; only the (at most two) APs the move touches change. O(1).
   */
  private double lagrangianChange(int from, int to, double mu) {
    double change = o.local[to] - o.local[from];
    int a = o.ap[from];
    int b = o.ap[to];
    boolean leaves = o.root[from] > 0;
    boolean joins = o.root[to] > 0;
    if (leaves && joins && a == b) {
      return change + apChange(a, served[a], sqrtSum[a] - o.root[from] + o.root[to], mu);
    }
    if (leaves) {
      change += apChange(a, served[a] - 1, sqrtSum[a] - o.root[from], mu);
    }
    if (joins) {
      change += apChange(b, served[b] + 1, sqrtSum[b] + o.root[to], mu);
    }
    return change;
  }

  /** {@code h_m(A'; mu) - h_m(A_m; mu)} for AP m with {@code count} served gateways after. */
  private double apChange(int m, int count, double sumAfter, double mu) {
    double before =
        KktAllocator.apLagrangian(
            mu, o.budget[m], o.miningWeight[m], o.reputationPrice[m], sqrtSum[m]);
    double after =
        KktAllocator.apLagrangian(
            mu, o.budget[m], o.miningWeight[m], o.reputationPrice[m], count == 0 ? 0 : sumAfter);
    return after - before;
  }

  /**
   * Coordinate descent from the current combination (whose value is {@code value}): every gateway
   * tries every option with the others fixed, improvements are kept, until a sweep improves none.
   */
  private void descend(double value) {
    for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
      boolean improved = false;
      for (int n = 0; n < o.gateways; n++) {
        int current = choice[n];
        int bestOption = current;
        double bestHere = value;
        double currentMu = mu;
        double bestHereMu = mu;
        double tolerance = 1e-13 * Math.abs(value);
        for (int option = o.start[n]; option < o.start[n + 1]; option++) {
          // at the current mu the value is a lower bound of the option's exact value and equals
          // the current one's: an option it does not show improving cannot improve
          if (option == current || lagrangianChange(current, option, currentMu) >= -tolerance) {
            continue;
          }
          set(n, option);
          double candidate = score();
          if (candidate < bestHere - 1e-13 * Math.abs(bestHere)) {
            bestHere = candidate;
            bestOption = option;
            bestHereMu = mu;
          }
          set(n, current);
          mu = currentMu;
        }
        set(n, bestOption);
        mu = bestHereMu;
        if (bestOption != current) {
          improved = true;
          value = bestHere;
        }
      }
      if (!improved) {
        break;
      }
    }
  }

  /** The option with the lowest latency if the AP gave this gateway its whole budget. */
  private int bestByOwnLatency(int n) {
    int best = o.start[n];
    double bestCost = Double.POSITIVE_INFINITY;
    for (int option = o.start[n]; option < o.start[n + 1]; option++) {
      double cost = o.local[option] + o.root[option] * o.root[option] / o.budget[o.ap[option]];
      if (cost < bestCost) {
        bestCost = cost;
        best = option;
      }
    }
    return best;
  }

  /** {@code nu_m - q_m} of every AP at the current sums and coupling price. */
  private double[] netPrices() {
    double[] price = new double[o.accessPoints];
    for (int m = 0; m < o.accessPoints; m++) {
      price[m] =
          KktAllocator.netPrice(
              mu, o.budget[m], o.miningWeight[m], o.reputationPrice[m], sqrtSum[m]);
    }
    return price;
  }

  /**
   * The option that is cheapest at the APs' net prices {@code prices} ({@code rootPrices}: their
   * square roots, 0 where the price is not positive).
   */
  private int bestAtPrices(int n, double[] prices, double[] rootPrices) {
    int best = o.start[n];
    double bestCost = Double.POSITIVE_INFINITY;
    for (int option = o.start[n]; option < o.start[n + 1]; option++) {
      double r = o.root[option];
      double cost = o.local[option];
      if (r > 0) {
        int m = o.ap[option];
        double budget = o.budget[m];
        // min over 0 < f <= F of a/f + price f, with a = r^2
        cost +=
            prices[m] > 0 && r <= budget * rootPrices[m]
                ? 2 * r * rootPrices[m]
                : r * r / budget + prices[m] * budget;
      }
      if (cost < bestCost) {
        bestCost = cost;
        best = option;
      }
    }
    return best;
  }

  SlotPlan toPlan() {
    load(bestChoice);
    mu = bestMu;
    double value = score();
    int[] cuts = new int[o.gateways];
    double[] inference = new double[o.gateways];
    double[] mining = new double[o.accessPoints];
    double[] load = new double[o.accessPoints];
    for (int m = 0; m < o.accessPoints; m++) {
      load[m] =
          KktAllocator.inferenceLoad(
              mu, o.budget[m], o.miningWeight[m], o.reputationPrice[m], sqrtSum[m]);
      mining[m] = o.budget[m] - load[m];
    }
    for (int n = 0; n < o.gateways; n++) {
      int option = choice[n];
      cuts[n] = o.cut[option];
      int m = o.ap[option];
      if (o.root[option] > 0) {
        inference[n] = o.root[option] * load[m] / sqrtSum[m];
      }
    }
    return new SlotPlan(new SlotDecision(cuts, inference, mining), value, evaluations);
  }

  /** The serving AP of each gateway's chosen option. */
  int[] servingAps() {
    int[] aps = new int[o.gateways];
    for (int n = 0; n < o.gateways; n++) {
      aps[n] = o.ap[bestChoice[n]];
    }
    return aps;
  }
}
