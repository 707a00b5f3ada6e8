package io.bdt.optimizer.dpra;

import java.util.Arrays;
import java.util.Objects;

/**
 * DPRA, the per-slot drift-plus-penalty controller: chooses every gateway's cut and every AP's
 * inference and mining shares to minimize {@code V [sum_n D_n + D^C] - sum_m Q_m R_m(t+1)}.
 *
 * <p>For fixed cuts the frequencies come from the exact KKT solution ({@link KktAllocator}), whose
 * value depends on the cuts only through the per-AP sums {@code A_m} of {@code sqrt(a_n)} (see
 * {@link CutOptions}). The cut search then works on those sums:
 *
 * <ul>
 *   <li>when the number of cut combinations (after dropping dominated cuts) is at most the
 *       enumeration limit (4096 by default), every combination is scored exactly and the best is
 *       returned: the slot optimum;
 *   <li>otherwise, price coordination: with the APs' current net prices {@code p_m = nu_m - q_m},
 *       each gateway picks the cut minimizing {@code V (T_loc + T_tx) + min_{0<f<=F_m} (a/f + p_m
 *       f)} (that is {@code 2 sqrt(a p_m)} when unconstrained), the allocation is re-solved, and
 *       this repeats until the cuts stop changing; then coordinate descent sweeps every gateway
 *       through every cut with the others fixed, re-solving the allocation exactly, and accepts
 *       improvements until none is left. The result is a local optimum over single-gateway cut
 *       changes, and never worse than the best of the price iterates.
 * </ul>
 *
 * Scoring one combination costs {@code O(M)} per Newton step of the coupling multiplier, warm
 * started from the previous one (typically 2-4 steps), and allocates nothing.
 *
 * <p><b>Reputation value</b> (on by default, see {@code docs/dpra.md}): reputation lowers the PoW
 * difficulty ({@code D_m = D_0 exp(-eta R_m)}), so reputation earned this slot also shortens the
 * consensus latency of later slots, which the per-slot objective of the system model does not see.
 * With the option on, each AP's reputation reward becomes {@code (Q_m + V rho_m) omega x_m}, with
 * {@code rho_m} (seconds per unit of reputation) the saving of later slots' {@code 1/Lambda} per
 * unit of {@code R_m(t+1)}: {@code sum_{s>=1} (1-omega)^(s-1) eta lambda_m / Lambda^2} over the
 * following slots. Those slots' block rates are not known yet; their expectation is estimated by
 * the mean of the realized {@code eta lambda_m / (omega Lambda^2)} over the slots this instance has
 * decided ({@link ReputationValueEstimate}, updated by {@link #decide}). The first slot, with no
 * history, uses its own plain decision's block rates and is solved twice. The term only replaces
 * {@code Q_m} by {@code Q_m + V rho_m} ({@link #objectiveObservation}), which keeps the KKT
 * allocation exact (it is linear in the shares).
 *
 * <p>State: the plain form holds none. The default form holds the running estimate, so a run (or a
 * gateway) needs its own instance; {@link #plan} and {@link #objectiveObservation} only read it,
 * {@link #decide} adds the slot it decided. Every call otherwise works on its own arrays, and the
 * estimate is synchronized, so one instance may serve concurrent callers.
 */
public final class Dpra implements AssociationPolicy {

  /** Report name. */
  public static final String NAME = "DPRA";

  /** Default largest number of cut combinations that is enumerated exhaustively. */
  public static final long DEFAULT_ENUMERATION_LIMIT = 4096;

  /**
   * Default largest number of (AP, cut) options, summed over the gateways, for which a joint
   * association solve beyond the enumeration limit also runs the ojAlgo mixed-integer tier.
   */
  public static final int DEFAULT_MIXED_INTEGER_LIMIT = 400;

  private static final int MIXED_INTEGER_ROUNDS = 3;
  private static final int MAX_PRICE_ROUNDS = 30;
  private static final int MAX_SWEEPS = 100;

  private final SystemParameters parameters;
  private final long enumerationLimit;
  private final boolean reputationValue;
  private final int mixedIntegerLimit;
  private final ReputationValueEstimate estimate = new ReputationValueEstimate();

  /** DPRA with the default enumeration limit and the reputation-value term. */
  public Dpra(SystemParameters parameters) {
    this(parameters, DEFAULT_ENUMERATION_LIMIT);
  }

  /**
   * DPRA with the reputation-value term that enumerates all cut combinations when there are at most
   * {@code enumerationLimit} of them (0 = always use price coordination and coordinate descent).
   */
  public Dpra(SystemParameters parameters, long enumerationLimit) {
    this(parameters, enumerationLimit, true);
  }

  /**
   * DPRA with an explicit enumeration limit; {@code reputationValue = false} is the plain per-slot
   * objective of the system model, {@code V [sum_n D_n + D^C] - sum_m Q_m R_m(t+1)}.
   */
  public Dpra(SystemParameters parameters, long enumerationLimit, boolean reputationValue) {
    this(parameters, enumerationLimit, reputationValue, DEFAULT_MIXED_INTEGER_LIMIT);
  }

  /**
   * DPRA with explicit limits: {@code mixedIntegerLimit} is the largest number of (AP, cut) options
   * summed over the gateways for which a joint association solve that is too large to enumerate
   * also runs the ojAlgo mixed-integer tier (0 = never; see {@code docs/dpra.md}).
   */
  public Dpra(
      SystemParameters parameters,
      long enumerationLimit,
      boolean reputationValue,
      int mixedIntegerLimit) {
    if (mixedIntegerLimit < 0) {
      throw new IllegalArgumentException(
          "mixedIntegerLimit must be >= 0, got " + mixedIntegerLimit);
    }
    this.mixedIntegerLimit = mixedIntegerLimit;
    this.parameters = Objects.requireNonNull(parameters, "parameters");
    if (enumerationLimit < 0) {
      throw new IllegalArgumentException("enumerationLimit must be >= 0, got " + enumerationLimit);
    }
    this.enumerationLimit = enumerationLimit;
    this.reputationValue = reputationValue;
  }

  /** The plain system-model form: no reputation-value term. */
  public static Dpra plain(SystemParameters parameters) {
    return new Dpra(parameters, DEFAULT_ENUMERATION_LIMIT, false);
  }

  /** Whether this instance adds the future consensus value of reputation to the objective. */
  public boolean valuesReputation() {
    return reputationValue;
  }

  @Override
  public String name() {
    return NAME;
  }

  /**
   * Decides the slot ({@link #plan}) and, with the reputation-value term, records the slot's
   * realized {@code rho_m} (from {@code R_m(t)} and the decision's mining shares) in the running
   * estimate that prices later slots. The entry point for a controller that applies its decisions
   * slot by slot.
   */
  @Override
  public SlotDecision decide(SlotObservation observation) {
    SlotPlan plan = plan(observation);
    if (pricesReputation()) {
      estimate.record(
          reputationValue(parameters, observation.reputation(), plan.decision().miningShare()));
    }
    return plan.decision();
  }

  /**
   * The slot decision with its drift-plus-penalty value, without recording anything. With the
   * reputation-value term the value is that of {@link #objectiveObservation} (queues {@code Q_m + V
   * rho_m}), the objective the decision minimizes.
   */
  public SlotPlan plan(SlotObservation observation) {
    return solvePriced(observation, null).plan();
  }

  /**
   * The slot decision with each gateway's serving AP chosen among {@code inRange} (the joint
   * association and cut search, docs/dpra.md), without recording anything. With one AP in range per
   * gateway it is {@link #plan(SlotObservation)} on the observation with those APs.
   */
  public AssociationPlan plan(SlotObservation observation, InRange inRange) {
    Objects.requireNonNull(inRange, "inRange");
    Solved solved = solvePriced(observation, inRange);
    return new AssociationPlan(
        solved.servingAp(), inRange.resolve(observation, solved.servingAp()), solved.plan());
  }

  /**
   * Decides the slot with the association chosen among {@code inRange} ({@link
   * #plan(SlotObservation, InRange)}) and records its realized {@code rho_m} as {@link
   * #decide(SlotObservation)} does.
   */
  @Override
  public AssociationPlan decide(SlotObservation observation, InRange inRange) {
    AssociationPlan plan = plan(observation, inRange);
    if (pricesReputation()) {
      estimate.record(
          reputationValue(parameters, observation.reputation(), plan.decision().miningShare()));
    }
    return plan;
  }

  private Solved solvePriced(SlotObservation observation, InRange inRange) {
    Objects.requireNonNull(observation, "observation");
    if (!pricesReputation()) {
      return solve(observation, inRange);
    }
    double[] rho = estimate.mean();
    if (rho != null) {
      return solve(withReputationValue(observation, rho), inRange);
    }
    Solved plain = solve(observation, inRange);
    Solved priced =
        solve(pricedObservation(observation, plain.plan().decision().miningShare()), inRange);
    return new Solved(
        priced.servingAp(),
        new SlotPlan(
            priced.plan().decision(),
            priced.plan().objective(),
            plain.plan().evaluations() + priced.plan().evaluations()));
  }

  /**
   * The observation whose plain drift-plus-penalty value {@link #plan} minimizes: {@code
   * observation} itself for the plain form (or {@code eta = 0}); else {@code Q_m} replaced by
   * {@code Q_m + V rho_m} with {@code rho_m} the running estimate of the slots decided so far, or,
   * before the first, {@link #pricedObservation} at the mining shares of the plain decision. For
   * checking a plan against {@link io.bdt.optimizer.model.SlotCost} or an oracle on the same
   * objective.
   */
  public SlotObservation objectiveObservation(SlotObservation observation) {
    Objects.requireNonNull(observation, "observation");
    if (!pricesReputation()) {
      return observation;
    }
    double[] rho = estimate.mean();
    if (rho != null) {
      return withReputationValue(observation, rho);
    }
    return pricedObservation(observation, solve(observation, null).plan().decision().miningShare());
  }

  /**
   * The running estimate of {@code rho_m} (seconds per unit of reputation) that prices the next
   * slot: the mean of the realized values of the slots decided so far; {@code null} before the
   * first slot or for the plain form.
   */
  public double[] reputationValueEstimate() {
    return pricesReputation() ? estimate.mean() : null;
  }

  private boolean pricesReputation() {
    return reputationValue && parameters.eta() != 0;
  }

  /**
   * {@code observation} with {@code Q_m} replaced by {@code Q_m + V rho_m}, {@code rho_m = eta
   * lambda_m / (omega Lambda^2)} with {@code lambda_m = f_m^B / (psi D_m(R_m(t)))} from {@code
   * miningShare} (Hz): the slot's own block rates, as the first slot of a controller uses them.
   */
  public SlotObservation pricedObservation(SlotObservation observation, double[] miningShare) {
    return withReputationValue(
        observation, reputationValue(parameters, observation.reputation(), miningShare));
  }

  private SlotObservation withReputationValue(SlotObservation observation, double[] rho) {
    double[] queue = observation.virtualQueue().clone();
    if (rho.length != queue.length) {
      throw new IllegalArgumentException(
          "reputation value estimate has "
              + rho.length
              + " APs but the observation has M = "
              + queue.length);
    }
    for (int m = 0; m < queue.length; m++) {
      queue[m] += parameters.v() * rho[m];
    }
    return observation.withVirtualQueue(queue);
  }

  /**
   * {@code rho_m = eta lambda_m / (omega Lambda^2)}: seconds of consensus latency saved over the
   * following slots per unit of {@code R_m(t+1)}, to first order. {@code -d(1/Lambda)/dR_m = eta
   * lambda_m / Lambda^2} because {@code lambda_m} is proportional to {@code exp(eta R_m)}; a unit
   * of reputation decays by {@code (1 - omega)} per slot, so it acts for {@code sum_s (1-omega)^s =
   * 1/omega} slots. All zeros if no AP mines.
   */
  public static double[] reputationValue(
      SystemParameters parameters, double[] reputation, double[] miningShare) {
    int m = reputation.length;
    if (miningShare.length != m) {
      throw new IllegalArgumentException(
          "miningShare needs one entry per AP (" + m + "), got " + miningShare.length);
    }
    double[] rate = new double[m];
    double total = 0;
    for (int a = 0; a < m; a++) {
      rate[a] =
          miningShare[a] / (parameters.cyclesPerHash() * parameters.difficulty(reputation[a]));
      total += rate[a];
    }
    double[] rho = new double[m];
    if (total > 0) {
      for (int a = 0; a < m; a++) {
        rho[a] = parameters.eta() * rate[a] / (parameters.omega() * total * total);
      }
    }
    return rho;
  }

  /** A solved slot: each gateway's serving AP and the plan. */
  private record Solved(int[] servingAp, SlotPlan plan) {}

  private Solved solve(SlotObservation observation, InRange inRange) {
    CutOptions options = new CutOptions(observation, inRange, parameters);
    Search search = new Search(options);
    if (combinations(options, enumerationLimit) <= enumerationLimit) {
      search.enumerate();
    } else {
      search.coordinate();
      if (inRange != null
          && inRange.hasChoice()
          && options.start[options.gateways] <= mixedIntegerLimit) {
        search.mixedInteger(MIXED_INTEGER_ROUNDS);
      }
    }
    SlotPlan plan = search.toPlan();
    return new Solved(search.servingAps(), plan);
  }

  /** The number of cut combinations, or {@code limit + 1} if it exceeds {@code limit}. */
  static long combinations(CutOptions options, long limit) {
    long count = 1;
    for (int n = 0; n < options.gateways; n++) {
      count *= options.options(n);
      if (count > limit) {
        return limit + 1;
      }
    }
    return count;
  }

  /** Working state of one slot's cut search. */
  private static final class Search {

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

    Search(CutOptions options) {
      o = options;
      choice = new int[o.gateways];
      bestChoice = new int[o.gateways];
      sqrtSum = new double[o.accessPoints];
      served = new int[o.accessPoints];
    }

    /** {@code constant + localSum + G(sqrtSum)}; updates the warm-start {@code mu}. */
    private double score() {
      evaluations++;
      mu =
          KktAllocator.couplingPrice(o.v, o.budget, o.miningWeight, o.reputationPrice, sqrtSum, mu);
      return o.constant
          + localSum
          + KktAllocator.optimalValue(
              o.v, mu, o.budget, o.miningWeight, o.reputationPrice, sqrtSum);
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
     * How the slot's Lagrangian at coupling price {@code mu} changes when a gateway moves from
     * option {@code from} (its current one) to {@code to}: {@code L(x, mu) = constant + localSum +
     * sum_m h_m(A_m; mu) + 2 sqrt(V mu)}, {@code h_m} the AP's value minimized over its load at
     * that price ({@link KktAllocator#apLagrangian}). {@code V / S = max_mu (2 sqrt(V mu) - mu S)},
     * so {@code L(x', mu)} is a lower bound of the exact value of {@code x'}, and equals the exact
     * value of {@code x} at its own {@code mu}; only the (at most two) APs the move touches change.
     * O(1).
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
}
