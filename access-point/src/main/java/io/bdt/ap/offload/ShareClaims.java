package io.bdt.ap.offload;

import io.bdt.ap.coordinator.ServingAssignment;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.LongPredicate;

/**
 * Checks the inference share, serving AP and slot tasks a gateway claims with each offload against
 * what the slot allows this AP to credit (docs/dpra.md, "Checking the claimed share"), so that a
 * registered gateway cannot inflate its AP's reputation credit beyond the slot's decision.
 *
 * <p>The rule, one for every slot: this AP credits in slot {@code t} at most its budget {@code F_m}
 * less its mining share {@code f_m^B}. A gateway the slot coordinator assigned to this AP for
 * {@code t} (pushed with the AP's mining share, {@link #assigned}) must claim exactly its
 * assignment: its inference share and its slot tasks. Any other gateway (the coordinator decided it
 * elsewhere or not at all, or no coordinator decided the slot) takes from what is left: {@code F_m
 * - f_m^B - } the assigned shares {@code -} the shares other gateways took before it in {@code t},
 * first come first served; {@code f_m^B} is the coordinator's for a coordinated slot, else the
 * share the AP's live decisions ask for. A gateway's first claim in a slot fixes its share and
 * tasks for that slot, and it is served at most that many distinct tasks in it; a task id sent
 * again (a retry) is not a new task. Shares are Hz; the tolerance for the solver's rounding is
 * relative, {@link #TOLERANCE}.
 */
public final class ShareClaims {

  /** Relative tolerance when comparing shares (the solver's and JSON's rounding). */
  public static final double TOLERANCE = 1e-6;

  /** Slots held at most (without a ledger clock, the window does not bound them). */
  public static final int KEPT = 4096;

  /** Why a claim was refused; the metric label is {@link #label()}. */
  public enum Reason {
    /** No {@code X-Bdt-Slot}: the claim cannot be checked. */
    NO_SLOT,
    /** A slot the ledger does not take receipts for (long past or far ahead). */
    SLOT_OUT_OF_RANGE,
    /** The share differs from the slot's assignment, or from the gateway's first claim in it. */
    SHARE_MISMATCH,
    /** The slot tasks differ from the assignment, or from the gateway's first claim in the slot. */
    SLOT_TASKS_MISMATCH,
    /** More distinct tasks than the slot tasks claimed. */
    TOO_MANY_TASKS,
    /** An unassigned gateway's share exceeds what is left of this AP's budget in the slot. */
    BUDGET_EXCEEDED,
    /** A receipt names another AP than this one. */
    RECEIPT_AP_MISMATCH,
    /** A receipt's FLOPs are not the credit this AP recorded for the task. */
    RECEIPT_SHARE_MISMATCH,
    /** A receipt's slot is not the slot the task was served in. */
    RECEIPT_SLOT_MISMATCH;

    /** The metric label: lower case with dashes. */
    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** What a claim came to. */
  public sealed interface Verdict {
    /** Taken: the task may be served and credited with {@code share} over {@code slotTasks}. */
    record Taken(double share, int slotTasks) implements Verdict {}

    /** Refused for {@code reason}; {@code message} names the values. */
    record Refused(Reason reason, String message) implements Verdict {}
  }

  private static final class Slot {
    Double miningShareHz; // the coordinator's f_m^B for this AP; null: no coordinator decided it
    final Map<String, ServingAssignment> assigned = new HashMap<>();
    final Map<String, Claim> claims = new HashMap<>();
  }

  private record Claim(double share, int slotTasks, Set<String> tasks) {}

  private final double budgetHz;
  private final DoubleSupplier decidedMiningHz;
  private final LongPredicate inWindow;
  private final long pushWaitNanos;
  private final long recentSlots;
  private final TreeMap<Long, Slot> slots = new TreeMap<>();
  private final Map<Reason, Long> refused = new EnumMap<>(Reason.class);
  private long newestCoordinated = -1;
  private long taken;
  private int waiting;

  /**
   * @param budgetHz {@code F_m}, Hz
   * @param decidedMiningHz {@code f_m^B} the AP's live decisions ask for now (for a slot no
   *     coordinator decided)
   * @param inWindow whether the ledger takes receipts for a slot now (its slot clock); slots it
   *     does not are refused and forgotten
   * @param pushWaitNanos how long a claim for a slot not yet decided here waits for the
   *     coordinator's push, when a coordinator decided one of the last {@code recentSlots} slots
   * @param recentSlots see {@code pushWaitNanos}
   */
  public ShareClaims(
      double budgetHz,
      DoubleSupplier decidedMiningHz,
      LongPredicate inWindow,
      long pushWaitNanos,
      long recentSlots) {
    this.budgetHz = budgetHz;
    this.decidedMiningHz = decidedMiningHz;
    this.inWindow = inWindow;
    this.pushWaitNanos = pushWaitNanos;
    this.recentSlots = recentSlots;
    for (Reason r : Reason.values()) {
      refused.put(r, 0L);
    }
  }

  /**
   * Holds the coordinator's decision of {@code slot} for this AP: its mining share {@code f_m^B}
   * and the gateways it serves (pushes of two coordinators for one slot add up, the later share
   * wins).
   */
  public synchronized void assigned(
      long slot, double miningShareHz, List<ServingAssignment> gateways) {
    if (!inWindow.test(slot)) {
      return; // the ledger takes no receipt for it: nothing to check against
    }
    Slot s = slots.computeIfAbsent(slot, k -> new Slot());
    s.miningShareHz = miningShareHz;
    gateways.forEach(a -> s.assigned.put(a.gateway(), a));
    newestCoordinated = Math.max(newestCoordinated, slot);
    forgetClosed();
    notifyAll();
  }

  /**
   * Takes {@code gateway}'s claim of {@code share} Hz over {@code slotTasks} tasks for task {@code
   * taskId} in {@code slot} ({@code -1}: no slot header), or refuses it (counted).
   */
  public synchronized Verdict claim(
      String gateway, long slot, String taskId, double share, int slotTasks)
      throws InterruptedException {
    String g = gateway.toLowerCase(Locale.ROOT);
    if (slot < 0) {
      return refuse(
          Reason.NO_SLOT,
          ShareHeader.SLOT + ": required with an offload: the claimed share is checked per slot");
    }
    if (!inWindow.test(slot)) {
      return refuse(
          Reason.SLOT_OUT_OF_RANGE,
          ShareHeader.SLOT + ": slot " + slot + " is outside the ledger's receipt window");
    }
    awaitPush(slot);
    if (!slots.containsKey(slot)) {
      forgetClosed();
    }
    Slot s = slots.computeIfAbsent(slot, k -> new Slot());
    Claim held = s.claims.get(g);
    ServingAssignment mine = s.assigned.get(g);
    String task = taskId == null ? "" : taskId.toLowerCase(Locale.ROOT);
    if (mine != null || held != null) {
      double expected = mine != null ? mine.inferenceShare() : held.share();
      int expectedTasks = mine != null ? mine.slotTasks() : held.slotTasks();
      String of =
          mine != null ? "the slot coordinator assigned" : "its first claim in the slot was";
      if (!same(share, expected)) {
        return refuse(
            Reason.SHARE_MISMATCH,
            String.format(
                "%s: %s claims %s Hz in slot %d; %s %s Hz",
                ShareHeader.INFERENCE, g, share, slot, of, expected));
      }
      if (slotTasks != expectedTasks) {
        return refuse(
            Reason.SLOT_TASKS_MISMATCH,
            String.format(
                "%s: %s claims %d tasks in slot %d; %s %d",
                ShareHeader.SLOT_TASKS, g, slotTasks, slot, of, expectedTasks));
      }
    } else {
      double left = budgetLeft(s);
      if (share > left * (1 + TOLERANCE) + TOLERANCE) {
        return refuse(
            Reason.BUDGET_EXCEEDED,
            String.format(
                "%s: %s claims %s Hz in slot %d, but %s Hz are left of this AP's budget F_m = %s"
                    + " Hz after its mining share and the slot's other gateways%s",
                ShareHeader.INFERENCE,
                g,
                share,
                slot,
                Math.max(0, left),
                budgetHz,
                s.miningShareHz != null ? " (the slot coordinator did not assign it here)" : ""));
      }
    }
    Claim claim = s.claims.computeIfAbsent(g, k -> new Claim(share, slotTasks, new HashSet<>()));
    if (!claim.tasks().contains(task) && claim.tasks().size() >= claim.slotTasks()) {
      return refuse(
          Reason.TOO_MANY_TASKS,
          String.format(
              "X-Bdt-Task-Id: %s has been served %d tasks in slot %d, all the %d it claimed",
              g, claim.tasks().size(), slot, claim.slotTasks()));
    }
    claim.tasks().add(task);
    taken++;
    return new Verdict.Taken(share, slotTasks);
  }

  /** Gives back the claim of a task that was not served after all (the lane refused it). */
  public synchronized void release(String gateway, long slot, String taskId) {
    Slot s = slots.get(slot);
    Claim claim = s == null ? null : s.claims.get(gateway.toLowerCase(Locale.ROOT));
    if (claim == null) {
      return;
    }
    claim.tasks().remove(taskId == null ? "" : taskId.toLowerCase(Locale.ROOT));
    if (claim.tasks().isEmpty()) {
      s.claims.remove(gateway.toLowerCase(Locale.ROOT));
    }
  }

  /** Counts a refusal found elsewhere (a receipt that disagrees with what was served). */
  public synchronized void refusedReceipt(Reason reason) {
    refused.merge(reason, 1L, Long::sum);
  }

  /** Claims refused for {@code reason} since start. */
  public synchronized long refused(Reason reason) {
    return refused.get(reason);
  }

  /** Claims taken since start. */
  public synchronized long taken() {
    return taken;
  }

  /** The slots this AP holds the coordinator's decision of (for tests and status). */
  public synchronized boolean coordinated(long slot) {
    Slot s = slots.get(slot);
    return s != null && s.miningShareHz != null;
  }

  /**
   * What {@code gateway}, not assigned here in {@code slot}, can claim now without a {@link
   * Reason#BUDGET_EXCEEDED} refusal, Hz: the budget {@link #claim} checks it against (after the
   * mining share, the assigned shares and the other gateways' claims); in a slot no coordinator
   * decided, at most an equal part of {@code F_m - f_m^B} for each gateway that claimed here within
   * the last {@code recentSlots} slots, {@code gateway} included, so that the first local fallback
   * does not take the whole budget and leave the others' offloads refused. A gateway that decides
   * locally reads it ({@code GET /status?slot=t}) and claims no more. 0 outside the ledger's
   * window.
   */
  public synchronized double available(long slot, String gateway) {
    if (!inWindow.test(slot)) {
      return 0;
    }
    Slot s = slots.getOrDefault(slot, new Slot());
    String g = gateway == null ? "" : gateway.toLowerCase(Locale.ROOT);
    Claim held = s.claims.get(g);
    ServingAssignment mine = s.assigned.get(g);
    if (mine != null || held != null) {
      return mine != null ? mine.inferenceShare() : held.share(); // what it must claim again
    }
    double left = Math.max(0, budgetLeft(s));
    if (s.miningShareHz == null) {
      Set<String> claimants = new HashSet<>();
      claimants.add(g);
      slots
          .subMap(slot - recentSlots, true, slot, true)
          .values()
          .forEach(
              recent ->
                  recent.claims.keySet().stream()
                      .filter(k -> !recent.assigned.containsKey(k))
                      .forEach(claimants::add));
      double free = Math.max(0, budgetHz - decidedMiningHz.getAsDouble());
      left = Math.min(left, free / claimants.size());
    }
    return left;
  }

  private double budgetLeft(Slot s) {
    double mining = s.miningShareHz != null ? s.miningShareHz : decidedMiningHz.getAsDouble();
    double left = budgetHz - mining;
    for (ServingAssignment a : s.assigned.values()) {
      left -= a.inferenceShare();
    }
    for (var e : s.claims.entrySet()) {
      if (!s.assigned.containsKey(e.getKey())) {
        left -= e.getValue().share();
      }
    }
    return left;
  }

  /**
   * While a coordinator decides the slots (one of the last {@code recentSlots} was pushed here), a
   * claim for a newer slot may arrive before the push does: it waits for it, at most {@code
   * pushWaitNanos}.
   */
  private void awaitPush(long slot) throws InterruptedException {
    if (newestCoordinated < 0
        || slot <= newestCoordinated
        || slot > newestCoordinated + recentSlots) {
      return;
    }
    long end = System.nanoTime() + pushWaitNanos;
    waiting++;
    try {
      while (!coordinated(slot)) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          return;
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    } finally {
      waiting--;
    }
  }

  /** Whether a claim is waiting for the coordinator's push of its slot. */
  public synchronized boolean waiting() {
    return waiting > 0;
  }

  private static boolean same(double a, double b) {
    return Math.abs(a - b) <= TOLERANCE * Math.max(Math.abs(a), Math.abs(b)) + TOLERANCE;
  }

  private Verdict.Refused refuse(Reason reason, String message) {
    refused.merge(reason, 1L, Long::sum);
    return new Verdict.Refused(reason, message);
  }

  /** Forgets slots the ledger no longer takes receipts for, and the oldest beyond {@link #KEPT}. */
  private void forgetClosed() {
    slots.keySet().removeIf(t -> !inWindow.test(t));
    while (slots.size() > KEPT) {
      slots.pollFirstEntry();
    }
  }
}
