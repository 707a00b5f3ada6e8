package io.bdt.contracts.reputation;

import static io.bdt.contracts.reputation.CurrentReputation.PENDING_SLOTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The reputation the AP's slot loop, its coordinator and {@code ./bdt reproduce --live} read: the
 * ledger's record closed up to a few slots before the current one, not at the end of the 60-slot
 * receipt window.
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
    double r = CurrentReputation.at(stored(0.3, 10, 0), 30 + PENDING_SLOTS, OMEGA);
    assertThat(r).isCloseTo(0.3 * Math.pow(0.9, 20), within(1e-9));
  }

  @Test
  void readingsOfAnApThatStoppedBeingServedFallSlotBySlotRatherThanHold() {
    // its last receipt in slot 10, read once per slot for the 60-slot receipt window after it,
    // during which the ledger's own reputationOf would still give 0.6
    ApReputation idle = stored(0.6, 10, 0);
    double previous = CurrentReputation.at(idle, 10 + PENDING_SLOTS, OMEGA);
    assertThat(previous).isCloseTo(0.6, within(1e-12));
    for (long current = 11 + PENDING_SLOTS; current <= 70; current++) {
      double r = CurrentReputation.at(idle, current, OMEGA);
      assertThat(r).as("slot %d", current).isCloseTo(0.9 * previous, within(1e-12));
      previous = r;
    }
  }

  @Test
  void theOpenSlotCountsWithTheFlopsRecordedSoFar() {
    // slot 10 served its whole capacity: R = 0.9 * 0.3 + 0.1 * 1
    assertThat(CurrentReputation.at(stored(0.3, 10, 1_000_000), 11 + PENDING_SLOTS, OMEGA))
        .isCloseTo(0.37, within(1e-9));
  }

  @Test
  void aSlotStillWithinThePendingSlotsIsNotClosed() {
    // receipts of slot 10 may still arrive: read as stored
    assertThat(CurrentReputation.at(stored(0.3, 10, 0), 10 + PENDING_SLOTS, OMEGA))
        .isCloseTo(0.3, within(1e-12));
    assertThat(CurrentReputation.at(stored(0.3, 10, 0), 1, OMEGA)).isCloseTo(0.3, within(1e-12));
  }
}
