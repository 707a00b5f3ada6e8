package io.bdt.ap;

import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.ap.SkippedSlots.Logged;
import io.bdt.ap.SkippedSlots.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The slots whose queues hold while no reputation can be read: counted, and logged once. */
@Timeout(10)
class SkippedSlotsTest {

  @Test
  void beforeTheLedgerAnswersTheWaitIsLoggedOnceAndEverySlotCounted() {
    SkippedSlots s = new SkippedSlots();
    assertThat(s.skipped(0, 3, "AP 0: no ledger")).isEqualTo(Logged.INFO);
    for (long slot = 1; slot < 12; slot++) {
      assertThat(s.skipped(slot, 3, "AP 0: no ledger")).isEqualTo(Logged.DEBUG);
    }
    assertThat(s.count(Reason.LEDGER_NOT_READY)).isEqualTo(12);
    assertThat(s.count(Reason.READ_FAILED)).isZero();
  }

  @Test
  void aFailedReadAfterTheLedgerAnsweredIsAWarningOfItsOwnReason() {
    SkippedSlots s = new SkippedSlots();
    s.skipped(0, 3, "AP 0: no ledger");
    s.ledgerAnswered(1);
    assertThat(s.skipped(2, 1, "AP 2: timeout")).isEqualTo(Logged.WARN);
    assertThat(s.skipped(3, 1, "AP 2: timeout")).isEqualTo(Logged.WARN);
    assertThat(s.count(Reason.LEDGER_NOT_READY)).isEqualTo(1);
    assertThat(s.count(Reason.READ_FAILED)).isEqualTo(2);
  }

  @Test
  void aStretchWithoutDemandIsCountedAndLoggedAtItsStartAndEnd() {
    SkippedSlots s = new SkippedSlots();
    assertThat(s.demand(0, false)).isEqualTo(Logged.INFO); // no gateway demand yet
    assertThat(s.demand(1, false)).isEqualTo(Logged.NONE);
    assertThat(s.demand(2, true)).isEqualTo(Logged.INFO); // demand again after 2 slots
    assertThat(s.demand(3, true)).isEqualTo(Logged.NONE);
    assertThat(s.demand(4, false)).isEqualTo(Logged.INFO); // no demand any more
    assertThat(s.count(Reason.NO_DEMAND)).isEqualTo(3);
    assertThat(s.count(Reason.READ_FAILED)).isZero();
  }
}
