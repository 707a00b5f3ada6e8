package io.bdt.ap;

import java.util.EnumMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The slots at whose end some virtual queue {@code Q_m} did not advance, counted by reason ({@code
 * bdt_ap_slots_skipped}), and their log. Because its AP's reputation could not be read: until the
 * ledger first answers (the platform deploys it after the APs start) the wait is logged once at
 * INFO and then at DEBUG; after that every such slot is a WARN (docs/dpra.md, "Before the ledger
 * answers"). Because no gateway demanded anything: the start of such a stretch and its end are
 * logged once each at INFO (docs/dpra.md, "Q_m over slots with demand").
 */
final class SkippedSlots {
  private static final Logger LOG = LoggerFactory.getLogger(SkippedSlots.class);

  /** Why a slot's queues did not all advance. */
  enum Reason {
    /** No reputation read has succeeded since the AP started: the ledger is not deployed yet. */
    LEDGER_NOT_READY("ledger_not_ready"),
    /** A read failed after the ledger had answered (node busy, RPC error). */
    READ_FAILED("read_failed"),
    /** No gateway demand within the last slots: there was nothing for {@code R_min} to bound. */
    NO_DEMAND("no_demand");

    final String label;

    Reason(String label) {
      this.label = label;
    }
  }

  /** How a skipped slot was logged. */
  enum Logged {
    NONE,
    INFO,
    DEBUG,
    WARN
  }

  private final Map<Reason, Long> counts = new EnumMap<>(Reason.class);
  private boolean ledgerAnswered;
  private long waitingSince = -1;
  private long idleSince = -1;
  private boolean demandSeen;

  /** A reputation read succeeded: from now on a failed read is {@link Reason#READ_FAILED}. */
  synchronized void ledgerAnswered(long slot) {
    if (!ledgerAnswered && waitingSince >= 0) {
      LOG.info(
          "slot {}: the ledger answers; virtual queues advance again ({} slot(s) skipped since"
              + " slot {})",
          slot,
          count(Reason.LEDGER_NOT_READY),
          waitingSince);
    }
    ledgerAnswered = true;
  }

  /**
   * Slot {@code slot} ended with {@code aps} APs' queues not advanced; {@code error} is the first
   * failed read's message. Counts the slot once and logs it.
   */
  synchronized Logged skipped(long slot, int aps, String error) {
    Reason reason = ledgerAnswered ? Reason.READ_FAILED : Reason.LEDGER_NOT_READY;
    counts.merge(reason, 1L, Long::sum);
    if (reason == Reason.READ_FAILED) {
      LOG.warn(
          "slot {}: cannot read {} AP(s)' reputation, their queues hold: {}", slot, aps, error);
      return Logged.WARN;
    }
    if (waitingSince < 0) {
      waitingSince = slot;
      LOG.info(
          "slot {}: the ledger does not answer yet ({}); every virtual queue holds until it does"
              + " (bdt_ap_slots_skipped{reason=ledger_not_ready})",
          slot,
          error);
      return Logged.INFO;
    }
    LOG.debug("slot {}: still no ledger ({}), queues hold", slot, error);
    return Logged.DEBUG;
  }

  /**
   * Slot {@code slot}, whose reputations were read, had {@code demand} or not: a slot without is
   * counted ({@link Reason#NO_DEMAND}); the first of a stretch of them and the slot that ends it
   * are logged.
   */
  synchronized Logged demand(long slot, boolean demand) {
    if (demand) {
      boolean first = !demandSeen;
      demandSeen = true;
      if (idleSince < 0) {
        return Logged.NONE;
      }
      LOG.info(
          "slot {}: {} after {} slot(s) without; virtual queues advance",
          slot,
          first ? "the first gateway demand" : "gateways demand again",
          slot - idleSince);
      idleSince = -1;
      return Logged.INFO;
    }
    counts.merge(Reason.NO_DEMAND, 1L, Long::sum);
    if (idleSince >= 0) {
      return Logged.NONE;
    }
    idleSince = slot;
    LOG.info(
        "slot {}: {}; virtual queues hold until a gateway demands (bdt_ap_slots_skipped"
            + "{reason=no_demand})",
        slot,
        demandSeen ? "no gateway demand any more" : "no gateway demand yet");
    return Logged.INFO;
  }

  /** Slots skipped for {@code reason} since start. */
  synchronized long count(Reason reason) {
    return counts.getOrDefault(reason, 0L);
  }
}
