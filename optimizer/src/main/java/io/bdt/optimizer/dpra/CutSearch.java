package io.bdt.optimizer.dpra;

import java.util.Arrays;

/**
 * Working state of one slot's cut search for {@link Dpra}: exhaustive enumeration, coordinate
 * descent at a coupling price and the mixed-integer rounds over the (AP in range, cut) options of a
 * {@link CutOptions}; its best combination becomes the slot's plan.
 */
final class CutSearch {

  private static final int MAX_PRICE_ROUNDS = 30;

  /**
   * Price coordination stops after this many rounds in a row that found no better combination (the
   * prices oscillate between APs rather than settle); descent starts from the best one found.
   */
  private static final int STALLED_PRICE_ROUNDS = 3;

  private static final int MAX_SWEEPS = 100;

  /** Options per gateway and sweep that coordinate descent scores exactly (see descend). */
  private static final int SCORED_PER_GATEWAY = 2;

  private final CutOptions o;

  /** Chosen option index (into the flat option arrays) per gateway. */
  private final int[] choice;

  private final double[] sqrtSum;

  /** Number of gateways with tail work per AP. */
  private final int[] served;

  private double localSum;

  /** State of {@link #prepareMoves}: the moving gateway's option, the price and cached terms. */
  private int moveFrom;

  private double moveMu;
  private double fromBefore;
  private double leaveChange;
  private int joinAp;
  private double joinBefore;
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
    int stalled = 0;
    for (int round = 0; round < MAX_PRICE_ROUNDS && stalled < STALLED_PRICE_ROUNDS; round++) {
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
      double best = bestValue;
      keepIfBest(score());
      stalled = bestValue < best ? 0 : stalled + 1;
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
   * Prepares {@link #lagrangianChange} for moves of the gateway whose current option is {@code
   * from}, at coupling price {@code mu}: the slot's Lagrangian {@code L(x, mu) = constant +
   * localSum + sum_m h_m(A_m; mu) + 2 sqrt(V mu)}, {@code h_m} the AP's value minimized over its
   * load at that price ({@link KktAllocator#apLagrangian}). {@code V / S = max_mu (2 sqrt(V mu) -
   * mu S)}, so {@code L(x', mu)} is a lower bound of the exact value of {@code x'}, and equals the
   * exact value of {@code x} at its own {@code mu}; only the (at most two) APs a move touches
   * change. The terms of the AP the gateway leaves are computed here once for all its options.
   */
  private void prepareMoves(int from, double mu) {
    moveFrom = from;
    moveMu = mu;
    int a = o.ap[from];
    if (o.root[from] > 0) {
      fromBefore = apLagrangian(a, sqrtSum[a], mu);
      leaveChange =
          apLagrangian(a, served[a] == 1 ? 0 : sqrtSum[a] - o.root[from], mu) - fromBefore;
    } else {
      fromBefore = 0;
      leaveChange = 0;
    }
    joinAp = -1;
  }

  /**
   * How {@code L(x, mu)} changes when the prepared gateway moves to option {@code to}. O(1): one
   * {@code h_m} evaluation, the joined AP's current term cached across the gateway's options (they
   * come grouped by AP).
   */
  private double lagrangianChange(int to) {
    int from = moveFrom;
    double change = o.local[to] - o.local[from];
    int a = o.ap[from];
    int b = o.ap[to];
    boolean leaves = o.root[from] > 0;
    if (o.root[to] <= 0) {
      return change + leaveChange;
    }
    if (leaves && a == b) {
      return change + apLagrangian(a, sqrtSum[a] - o.root[from] + o.root[to], moveMu) - fromBefore;
    }
    if (b != joinAp) {
      joinAp = b;
      joinBefore = apLagrangian(b, sqrtSum[b], moveMu);
    }
    return change + leaveChange + apLagrangian(b, sqrtSum[b] + o.root[to], moveMu) - joinBefore;
  }

  /** {@code h_m(A; mu)} of AP m with served sum {@code sum} (0: serves nobody). */
  private double apLagrangian(int m, double sum, double mu) {
    return KktAllocator.apLagrangian(mu, o.budget[m], o.miningWeight[m], o.reputationPrice[m], sum);
  }

  /**
   * Coordinate descent from the current combination (whose value is {@code value}): every gateway
   * tries its options with the others fixed, improvements are kept, until a sweep improves none.
   * The Lagrangian change at the current {@code mu} is a lower bound of an option's exact change
   * (so an option it does not show improving cannot improve) and its first order, so the exact
   * value seldom prefers an option it ranks lower: a sweep scores exactly only the {@link
   * #SCORED_PER_GATEWAY} options per gateway with the most negative bound. When such a sweep
   * improves nothing, one sweep scores every option the bound does not rule out; only if that one
   * improves nothing either does descent stop, so the result is a local optimum over single-gateway
   * changes, as with every option scored.
   */
  private void descend(double value) {
    int widest = 0;
    for (int n = 0; n < o.gateways; n++) {
      widest = Math.max(widest, o.options(n));
    }
    int[] candidates = new int[widest];
    double[] bounds = new double[widest];
    int limit = SCORED_PER_GATEWAY;
    for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
      boolean improved = false;
      for (int n = 0; n < o.gateways; n++) {
        int current = choice[n];
        double currentMu = mu;
        int found =
            screen(n, current, currentMu, 1e-13 * Math.abs(value), limit, candidates, bounds);
        int bestOption = current;
        double bestHere = value;
        double bestHereMu = mu;
        for (int i = 0; i < found; i++) {
          set(n, candidates[i]);
          double candidate = score();
          if (candidate < bestHere - 1e-13 * Math.abs(bestHere)) {
            bestHere = candidate;
            bestOption = candidates[i];
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
      if (improved) {
        limit = SCORED_PER_GATEWAY;
      } else if (limit < widest) {
        limit = widest;
      } else {
        break;
      }
    }
  }

  /**
   * Gateway n's options other than {@code current} whose Lagrangian change at {@code mu} is below
   * {@code -tolerance}, the {@code limit} lowest of them into {@code candidates} (their bounds into
   * {@code bounds}), ascending by bound; returns how many.
   */
  private int screen(
      int n,
      int current,
      double mu,
      double tolerance,
      int limit,
      int[] candidates,
      double[] bounds) {
    int found = 0;
    prepareMoves(current, mu);
    for (int option = o.start[n]; option < o.start[n + 1]; option++) {
      if (option == current) {
        continue;
      }
      double bound = lagrangianChange(option);
      if (bound >= -tolerance) {
        continue;
      }
      int at = found < limit ? found++ : limit;
      while (at > 0 && bounds[at - 1] > bound) {
        if (at < limit) {
          bounds[at] = bounds[at - 1];
          candidates[at] = candidates[at - 1];
        }
        at--;
      }
      if (at < limit) {
        bounds[at] = bound;
        candidates[at] = option;
      }
    }
    return found;
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
