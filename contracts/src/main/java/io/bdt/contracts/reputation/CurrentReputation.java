package io.bdt.contracts.reputation;

import io.bdt.contracts.generated.ReputationLedger;
import java.math.BigInteger;
import org.web3j.protocol.Web3j;

/**
 * An AP's reputation {@code R_m} as the ledger's rule makes it now, read from ReputationLedger: the
 * AP's record (reputation, open slot and its FLOPs so far) closed with the contract's own rule
 * ({@link ApReputation#closedUntil}) up to {@link #PENDING_SLOTS} slots before the ledger's current
 * slot. The contract's {@code reputationOf} closes an idle AP's slots only at the end of the
 * receipt window (60 slots); this read decays it slot by slot, as {@code R_m(t+1) = (1 - omega)
 * R_m(t)} in the model. The one place both the AP (slot loop, coordinator) and {@code ./bdt
 * reproduce --live} take this reading from (docs/dpra.md, "The reputation the coordinator reads").
 */
public final class CurrentReputation {

  /**
   * Slots before the ledger's current one whose receipts may still be on their way (the AP's lane,
   * its submission every {@code bdt.ap.chain.submit-seconds} = 2 s, the block that includes them):
   * not closed yet.
   */
  public static final long PENDING_SLOTS = 4;

  private final ReputationLedger ledger;
  private volatile BigInteger omega;

  /** Reads through {@code ledger} (its transaction manager is only used for calls). */
  public CurrentReputation(ReputationLedger ledger) {
    this.ledger = ledger;
  }

  /** Reads the ledger at {@code address} through {@code web3j}, with calls only. */
  public static CurrentReputation of(Web3j web3j, String address) {
    return new CurrentReputation(ReadOnlyLedger.of(web3j, address));
  }

  /**
   * {@code R_m} of the AP at {@code address} now (0 for an address the ledger has not registered).
   *
   * @throws Exception when the ledger cannot be read (not deployed yet, node not answering)
   */
  public double read(String address) throws Exception {
    ReputationLedger.AccessPoint a = ledger.accessPoint(address).send();
    if (!a.registered) {
      return 0;
    }
    if (omega == null) {
      omega = ledger.omega().send(); // fixed at deployment
    }
    long current = ledger.currentSlot().send().longValueExact();
    ApReputation stored =
        new ApReputation(
            a.capacityFlopsPerSlot, a.reputation, a.openSlot.longValueExact(), a.openSlotFlops);
    return at(stored, current, omega);
  }

  /**
   * {@code stored}'s reputation when {@code currentSlot} is the ledger's current slot: every slot
   * before {@code currentSlot - PENDING_SLOTS} closed.
   */
  public static double at(ApReputation stored, long currentSlot, BigInteger omega) {
    long nextSlot = Math.max(0, currentSlot - PENDING_SLOTS);
    return FixedPoint.toDouble(stored.closedUntil(nextSlot, omega).reputation());
  }
}
