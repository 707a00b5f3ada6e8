package io.bdt.ap.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.bdt.contracts.reputation.ApReputation;
import io.bdt.contracts.reputation.FixedPoint;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The reputation the slot loop and the coordinator read: the ledger's record closed up to a few
 * slots before the current one, not at the end of the 60-slot receipt window.
 */
@Timeout(10)
class CurrentReputationTest {

  static final BigInteger CAPACITY = BigInteger.valueOf(1_000_000);
  static final BigInteger OMEGA = FixedPoint.of(0.1);

  static ApReputation stored(double reputation, long openSlot, long flops) {
    return new ApReputation(
        CAPACITY, FixedPoint.of(reputation), openSlot, BigInteger.valueOf(flops));
  }

  @Test
  void anApNobodyServesDecaysEverySlotSinceItsLastReceipt() {
    // last served in slot 10 (nothing recorded there), read when slot 30 is PENDING_SLOTS back:
    // slots 10..29 closed empty, R = 0.3 * 0.9^20 (the chain's read would still say 0.3)
    double r = ApChain.closedBefore(stored(0.3, 10, 0), 30, OMEGA);
    assertThat(r).isCloseTo(0.3 * Math.pow(0.9, 20), within(1e-9));
  }

  @Test
  void theOpenSlotCountsWithTheFlopsRecordedSoFar() {
    // slot 10 served its whole capacity: R = 0.9 * 0.3 + 0.1 * 1
    assertThat(ApChain.closedBefore(stored(0.3, 10, 1_000_000), 11, OMEGA))
        .isCloseTo(0.37, within(1e-9));
  }

  @Test
  void aSlotStillWithinThePendingSlotsIsNotClosed() {
    // receipts of slot 10 may still arrive: read as stored
    assertThat(ApChain.closedBefore(stored(0.3, 10, 0), 10, OMEGA)).isCloseTo(0.3, within(1e-12));
    assertThat(ApChain.closedBefore(stored(0.3, 10, 0), -3, OMEGA)).isCloseTo(0.3, within(1e-12));
  }
}
