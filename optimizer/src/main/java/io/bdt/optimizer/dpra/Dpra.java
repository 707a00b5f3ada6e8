package io.bdt.optimizer.dpra;

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
    CutSearch search = new CutSearch(options);
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
}
