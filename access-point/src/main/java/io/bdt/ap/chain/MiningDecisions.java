package io.bdt.ap.chain;

import io.bdt.consensus.pow.MiningShare;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Turns the slot coordinator's joint decisions, and the gateways' own decisions when none is live,
 * into the share this AP's miner runs with, live.
 *
 * <p>The rule (docs/access-point.md, "Mining share at runtime"): the latest joint decision (the
 * coordinator's {@code f_m^B} for this AP, {@link #joint}) is in force until it expires after
 * {@code ttl}; an older slot's joint decision is stale. Only while no joint decision is live do the
 * gateways' decisions count (a gateway that decided locally because no coordinator answered sends
 * its {@code f_m^B} with its offload): each gateway's latest decision is kept (a decision from an
 * older slot than the one held for that gateway is stale, unless the held one has expired);
 * decisions older than {@code ttl} expire; the AP mines with the <b>smallest</b> share among the
 * live decisions. Every gateway's decision satisfies {@code f_n^I + f^B <= F_m}, so its tasks, run
 * with {@code f_n^I}, plus the smallest {@code f^B} still fit in the budget.
 *
 * <p>Rate limit: the miner is reconfigured only when the share maps to other threads, or to a duty
 * cycle at least {@link #DUTY_STEP} away; a decrease applies at once (inference may already count
 * on the freed compute), an increase at most once per {@code minInterval} after the previous
 * change, the rest waiting for {@link #tick()}.
 */
public final class MiningDecisions {
  /** Duty-cycle differences below this do not reconfigure the miner. */
  public static final double DUTY_STEP = 0.01;

  /** What an offered decision did. */
  public enum Outcome {
    /** The miner now runs with a new share. */
    APPLIED,
    /** The share in force already maps to the same miner setting. */
    UNCHANGED,
    /** An increase within {@code minInterval} of the last change: applied by a later tick. */
    DEFERRED,
    /** Older slot than this gateway's decision held: ignored. */
    STALE
  }

  /** Who the share in force comes from. */
  public enum Source {
    /** The share configured at start: no decision yet, or all expired. */
    START,
    /** The slot coordinator's joint decision. */
    COORDINATOR,
    /** The smallest of the gateways' live local decisions. */
    GATEWAYS
  }

  /** The coordinator's decision for this AP as received. */
  public record Joint(long slot, double miningShareHz, String coordinator, Instant received) {}

  /** One gateway's decision as received. */
  public record Decision(String gateway, long slot, double miningShareHz, Instant received) {}

  /**
   * The share the miner runs with.
   *
   * @param miningShareHz {@code f_m^B} it was mapped from, Hz
   * @param miner the miner's threads and duty cycle
   * @param appliedAt when it was applied; empty for the share configured at start
   * @param changes reconfigurations since start
   */
  public record InForce(
      double miningShareHz, MiningShare miner, Optional<Instant> appliedAt, long changes) {}

  private final Consumer<MiningShare> miner;
  private final double budgetHz;
  private final int cores;
  private final Duration ttl;
  private final Duration minInterval;
  private final Clock clock;
  private final Map<String, Decision> latest = new HashMap<>();
  private InForce inForce;
  private double decidedHz;
  private Joint joint;
  private Source source = Source.START;

  /**
   * @param miner sets the running miner's share (the node's {@code setMiningShare})
   * @param startShareHz the share the miner was started with, Hz
   * @param ttl how long a gateway's decision counts without a newer one
   * @param minInterval least time between a change and a following increase
   */
  public MiningDecisions(
      Consumer<MiningShare> miner,
      double budgetHz,
      int cores,
      double startShareHz,
      Duration ttl,
      Duration minInterval,
      Clock clock) {
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl: must be > 0, got " + ttl);
    }
    if (minInterval.isNegative()) {
      throw new IllegalArgumentException("minInterval: must be >= 0, got " + minInterval);
    }
    this.miner = miner;
    this.budgetHz = budgetHz;
    this.cores = cores;
    this.ttl = ttl;
    this.minInterval = minInterval;
    this.clock = clock;
    this.inForce =
        new InForce(
            startShareHz, MiningShares.of(startShareHz, budgetHz, cores), Optional.empty(), 0);
    this.decidedHz = startShareHz;
  }

  /**
   * Takes gateway {@code gateway}'s decision for slot {@code slot} ({@code -1}: unknown, never
   * stale): {@code miningShareHz} in [0, budget] (the caller validates the header).
   */
  public synchronized Outcome offer(String gateway, long slot, double miningShareHz) {
    if (!(miningShareHz >= 0 && miningShareHz <= budgetHz)) {
      throw new IllegalArgumentException(
          "miningShare: must be in [0, " + budgetHz + "] Hz, got " + miningShareHz);
    }
    Instant now = clock.instant();
    Decision held = latest.get(gateway);
    if (held != null && slot >= 0 && slot < held.slot() && !expired(held, now)) {
      return Outcome.STALE;
    }
    long kept = slot >= 0 || held == null ? slot : held.slot(); // no slot: never stale
    latest.put(gateway, new Decision(gateway, kept, miningShareHz, now));
    return reconcile(now);
  }

  /**
   * Takes the slot coordinator's joint decision for slot {@code slot}: {@code miningShareHz} in [0,
   * budget]. While it is live it is the share, whatever the gateways send.
   */
  public synchronized Outcome joint(long slot, double miningShareHz, String coordinator) {
    if (!(miningShareHz >= 0 && miningShareHz <= budgetHz)) {
      throw new IllegalArgumentException(
          "miningShareHz: must be in [0, " + budgetHz + "] Hz, got " + miningShareHz);
    }
    Instant now = clock.instant();
    if (joint != null && slot < joint.slot() && !expired(joint.received(), now)) {
      return Outcome.STALE;
    }
    joint = new Joint(slot, miningShareHz, coordinator, now);
    return reconcile(now);
  }

  /** Applies a deferred increase once {@code minInterval} has passed; call once per slot. */
  public synchronized Outcome tick() {
    return reconcile(clock.instant());
  }

  private boolean expired(Decision d, Instant now) {
    return expired(d.received(), now);
  }

  private boolean expired(Instant received, Instant now) {
    return received.plus(ttl).isBefore(now);
  }

  private Outcome reconcile(Instant now) {
    latest.values().removeIf(d -> expired(d, now));
    if (joint != null && expired(joint.received(), now)) {
      joint = null;
    }
    double hz;
    if (joint != null) {
      hz = joint.miningShareHz();
      source = Source.COORDINATOR;
    } else if (!latest.isEmpty()) {
      hz = latest.values().stream().mapToDouble(Decision::miningShareHz).min().orElseThrow();
      source = Source.GATEWAYS;
    } else {
      return Outcome.UNCHANGED; // no live decision: keep what runs
    }
    decidedHz = hz;
    MiningShare target = MiningShares.of(hz, budgetHz, cores);
    MiningShare current = inForce.miner();
    if (target.threads() == current.threads()
        && Math.abs(target.dutyCycle() - current.dutyCycle()) < DUTY_STEP) {
      return Outcome.UNCHANGED;
    }
    boolean increase =
        target.threads() * target.dutyCycle() > current.threads() * current.dutyCycle();
    if (increase
        && inForce.appliedAt().isPresent()
        && inForce.appliedAt().get().plus(minInterval).isAfter(now)) {
      return Outcome.DEFERRED;
    }
    miner.accept(target);
    inForce = new InForce(hz, target, Optional.of(now), inForce.changes() + 1);
    return Outcome.APPLIED;
  }

  /** The share the miner runs with. */
  public synchronized InForce inForce() {
    return inForce;
  }

  /** Who {@link #decidedHz} comes from. */
  public synchronized Source source() {
    return source;
  }

  /** The coordinator's latest decision for this AP, or null (none yet, or expired). */
  public synchronized Joint latestJoint() {
    return joint;
  }

  /**
   * {@code f_m^B} the live decisions ask for (the coordinator's, else the gateways' smallest), Hz;
   * the start share before any.
   */
  public synchronized double decidedHz() {
    return decidedHz;
  }

  /** Reconfigurations since start. */
  public synchronized long changes() {
    return inForce.changes();
  }
}
