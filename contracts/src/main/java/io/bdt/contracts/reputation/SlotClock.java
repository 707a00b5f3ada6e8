package io.bdt.contracts.reputation;

import io.bdt.contracts.generated.ReputationLedger;
import java.time.Clock;
import java.time.Instant;
import org.web3j.protocol.Web3j;

/**
 * ReputationLedger's slot clock, which every party shares: slot {@code t} covers chain time
 * (seconds, as block timestamps) {@code [epoch + t tau, epoch + (t + 1) tau)}, and a receipt for
 * slot {@code s} is accepted while {@code current - maxReceiptAgeSlots <= s <= current +
 * maxReceiptLeadSlots}. The values are stored in the ledger at deployment and read from it ({@link
 * #read}), so a restarted gateway numbers slots exactly as before its restart.
 *
 * @param epochSeconds chain time at which slot 0 starts (Unix seconds)
 * @param slotSeconds slot length tau (seconds, at least 1)
 * @param maxReceiptAgeSlots slots a receipt may lag the current slot (its submission window)
 * @param maxReceiptLeadSlots slots a receipt may lead the current slot (tolerated clock skew)
 */
public record SlotClock(
    long epochSeconds, long slotSeconds, long maxReceiptAgeSlots, long maxReceiptLeadSlots) {

  public SlotClock {
    if (epochSeconds < 0) {
      throw new IllegalArgumentException("epochSeconds: must be >= 0, got " + epochSeconds);
    }
    if (slotSeconds < 1) {
      throw new IllegalArgumentException("slotSeconds: must be >= 1, got " + slotSeconds);
    }
    if (maxReceiptAgeSlots < 1 || maxReceiptAgeSlots > 1L << 32) {
      throw new IllegalArgumentException(
          "maxReceiptAgeSlots: must be in [1, 2^32], got " + maxReceiptAgeSlots);
    }
    if (maxReceiptLeadSlots < 0 || maxReceiptLeadSlots > 1L << 32) {
      throw new IllegalArgumentException(
          "maxReceiptLeadSlots: must be in [0, 2^32], got " + maxReceiptLeadSlots);
    }
  }

  /** The slot that contains chain time {@code t} (0 before the epoch), as the contract computes. */
  public long slotAt(Instant t) {
    long seconds = t.getEpochSecond();
    return seconds < epochSeconds ? 0 : (seconds - epochSeconds) / slotSeconds;
  }

  /** The current slot on {@code clock}. */
  public long slotAt(Clock clock) {
    return slotAt(clock.instant());
  }

  /** The first slot that still accepts receipts when {@code current} is the current slot. */
  public long closedBefore(long current) {
    return Math.max(0, current - maxReceiptAgeSlots);
  }

  /** Whether the ledger accepts a receipt for {@code slot} while {@code current} is current. */
  public boolean accepts(long slot, long current) {
    return slot >= closedBefore(current) && slot <= current + maxReceiptLeadSlots;
  }

  /** The clock of the ledger at {@code ledger}, read through {@code web3j}. */
  public static SlotClock read(Web3j web3j, String ledger) throws Exception {
    ReputationLedger l = ReadOnlyLedger.of(web3j, ledger);
    return new SlotClock(
        l.epoch().send().longValueExact(),
        l.slotSeconds().send().longValueExact(),
        l.maxReceiptAgeSlots().send().longValueExact(),
        l.maxReceiptLeadSlots().send().longValueExact());
  }
}
