package io.bdt.ap.coordinator;

import io.bdt.optimizer.joint.ApState;
import io.bdt.optimizer.joint.GatewayAssignment;
import io.bdt.optimizer.joint.GatewayDemand;
import io.bdt.optimizer.joint.JointSlot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The slot coordinator: gathers the gateways' demands for each slot into a round, closes the round
 * after {@code gather} (or as soon as every gateway that posted within the last {@link
 * #RECENT_SLOTS} slots has posted for it), reads every AP's state once, runs one {@link JointSlot}
 * decision for all of them, answers each gateway its assignment and hands every AP's mining share
 * {@code f_m^B} of the same decision to {@code miningShares}. docs/dpra.md, "The slot coordinator".
 */
public final class SlotCoordinator {
  private static final Logger LOG = LoggerFactory.getLogger(SlotCoordinator.class);

  /** A gateway that posted within this many slots is waited for (until the round's deadline). */
  public static final long RECENT_SLOTS = 10;

  /** Why a demand was not taken into a round; {@link #status} is the HTTP answer. */
  public enum Refusal {
    /** The slot's round is closed (decided) or older than one that is: decide locally. */
    LATE(409),
    /** The body is not a valid demand. */
    INVALID(400),
    /** The gateway already posted a demand for this slot. */
    DUPLICATE(409),
    /** The model is not one this AP serves (by name and hash). */
    UNKNOWN_MODEL(422),
    /** The joint solve failed. */
    FAILED(503);

    public final int status;

    Refusal(int status) {
      this.status = status;
    }

    /** The metric label: lower case with dashes. */
    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** A demand refused with {@code reason}. */
  public static final class Refused extends Exception {
    private final Refusal reason;

    public Refused(Refusal reason, String message) {
      super(message);
      this.reason = reason;
    }

    public Refusal reason() {
      return reason;
    }
  }

  /** Where a slot's mining shares go: every AP's {@code f_m^B}, Hz, in genesis order. */
  @FunctionalInterface
  public interface MiningShares {
    void apply(long slot, double[] miningShareHz);

    /**
     * The shares with every gateway's assignment, which its serving AP checks its offloads against
     * (docs/dpra.md, "Checking the claimed share"); by default the shares only.
     */
    default void apply(long slot, double[] miningShareHz, List<ServingAssignment> assignments) {
      apply(slot, miningShareHz);
    }
  }

  private final class Round {
    final Map<String, GatewayDemand> demands = new LinkedHashMap<>();
    final Map<String, CompletableFuture<GatewayAssignment>> answers = new HashMap<>();
  }

  private final JointSlot solver;
  private final Supplier<List<ApState>> aps;
  private final MiningShares miningShares;
  private final Duration gather;
  private final ScheduledExecutorService timer;
  private final Map<Long, Round> open = new HashMap<>();
  private final Map<Refusal, AtomicLong> refused = new EnumMap<>(Refusal.class);
  private final AtomicLong decided = new AtomicLong();
  private final AtomicLong demandsDecided = new AtomicLong();
  private final Map<String, Long> lastSeen = new HashMap<>();
  private long lastClosed = -1;

  /**
   * @param solver the joint DPRA of this coordinator (long-lived: it keeps the learnt reputation
   *     value)
   * @param aps every AP's state now, in genesis order (read once per round)
   * @param gather how long a round waits for demands after its first one
   * @param timer runs the rounds' deadlines and decisions
   */
  public SlotCoordinator(
      JointSlot solver,
      Supplier<List<ApState>> aps,
      MiningShares miningShares,
      Duration gather,
      ScheduledExecutorService timer) {
    this.solver = solver;
    this.aps = aps;
    this.miningShares = miningShares;
    this.gather = gather;
    this.timer = timer;
    for (Refusal r : Refusal.values()) {
      refused.put(r, new AtomicLong());
    }
  }

  /**
   * Takes {@code demand} (its gateway proven by the caller) into slot {@code slot}'s round; the
   * answer completes when the round is decided.
   *
   * @throws Refused when the slot is decided already or the gateway posted for it before
   */
  public synchronized CompletableFuture<GatewayAssignment> submit(long slot, GatewayDemand demand)
      throws Refused {
    lastSeen.merge(demand.gateway(), slot, Math::max);
    if (slot <= lastClosed) {
      throw refuse(
          Refusal.LATE,
          "slot " + slot + ": too late, the coordinator has decided up to slot " + lastClosed);
    }
    Round round = open.get(slot);
    if (round == null) {
      round = new Round();
      open.put(slot, round);
      timer.schedule(() -> close(slot), gather.toNanos(), TimeUnit.NANOSECONDS);
    }
    if (round.demands.containsKey(demand.gateway())) {
      throw refuse(
          Refusal.DUPLICATE,
          "gateway " + demand.gateway() + " has already posted its demand for slot " + slot);
    }
    CompletableFuture<GatewayAssignment> answer = new CompletableFuture<>();
    round.demands.put(demand.gateway(), demand);
    round.answers.put(demand.gateway(), answer);
    if (round.demands.keySet().containsAll(recent(slot))) {
      timer.execute(() -> close(slot)); // every gateway of the last slots is here
    }
    return answer;
  }

  /** Counts a refusal made before the demand reached a round (bad body, unknown model). */
  public Refused refuse(Refusal reason, String message) {
    refused.get(reason).incrementAndGet();
    return new Refused(reason, message);
  }

  private void close(long slot) {
    Round round;
    synchronized (this) {
      round = open.remove(slot);
      if (round == null) {
        return; // closed early, or already by its deadline
      }
      lastClosed = Math.max(lastClosed, slot);
      lastSeen.values().removeIf(seen -> seen < slot - RECENT_SLOTS);
      // a round older than this one can no longer be decided in its slot
      open.keySet().removeIf(s -> s < slot && failStale(s));
    }
    List<GatewayDemand> demands = new ArrayList<>(round.demands.values());
    try {
      JointSlot.JointDecision decision = solver.decide(demands, aps.get());
      decided.incrementAndGet();
      demandsDecided.addAndGet(demands.size());
      List<ServingAssignment> serving = new ArrayList<>();
      for (GatewayAssignment a : decision.assignments()) {
        serving.add(
            new ServingAssignment(
                a.gateway(),
                a.servingAp(),
                a.inferenceShare(),
                round.demands.get(a.gateway()).samples()));
      }
      // the APs hold the slot's assignments before the gateways hear theirs and offload
      miningShares.apply(slot, decision.decision().miningShare(), serving);
      for (GatewayAssignment a : decision.assignments()) {
        round.answers.get(a.gateway()).complete(a);
      }
    } catch (RuntimeException e) {
      LOG.warn("slot {}: the joint decision of {} demands failed: {}", slot, demands.size(), e);
      refused.get(Refusal.FAILED).addAndGet(demands.size());
      round.answers.values().forEach(f -> f.completeExceptionally(e));
    }
  }

  /** The gateways that posted for a slot within {@link #RECENT_SLOTS} of {@code slot}. */
  private java.util.Set<String> recent(long slot) {
    java.util.Set<String> out = new java.util.HashSet<>();
    lastSeen.forEach(
        (gateway, seen) -> {
          if (seen >= slot - RECENT_SLOTS) {
            out.add(gateway);
          }
        });
    return out;
  }

  private boolean failStale(long slot) {
    Round stale = open.get(slot);
    refused.get(Refusal.LATE).addAndGet(stale.demands.size());
    stale
        .answers
        .values()
        .forEach(
            f ->
                f.completeExceptionally(
                    new Refused(Refusal.LATE, "slot " + slot + " was overtaken")));
    return true;
  }

  /** The name of the policy the joint decisions are made with, e.g. {@code DPRA}. */
  public String policyName() {
    return solver.policyName();
  }

  /** Demands refused for {@code reason} since start. */
  public long refused(Refusal reason) {
    return refused.get(reason).get();
  }

  /** Slots decided since start. */
  public long decided() {
    return decided.get();
  }

  /** Demands answered with an assignment since start. */
  public long demandsDecided() {
    return demandsDecided.get();
  }
}
