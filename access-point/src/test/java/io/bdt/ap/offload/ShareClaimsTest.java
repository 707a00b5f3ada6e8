package io.bdt.ap.offload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.bdt.ap.coordinator.ServingAssignment;
import io.bdt.ap.offload.ShareClaims.Reason;
import io.bdt.ap.offload.ShareClaims.Verdict;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** An AP's check of the shares gateways claim: the slot's assignment, else the budget left. */
@Timeout(30)
class ShareClaimsTest {
  static final double BUDGET = 2e10;
  static final String HONEST = "0xaa";
  static final String LIAR = "0xbb";

  final AtomicReference<Double> decidedMining = new AtomicReference<>(1e10);

  ShareClaims claims(long pushWaitNanos) {
    return new ShareClaims(BUDGET, decidedMining::get, slot -> slot >= 100, pushWaitNanos, 10);
  }

  /** Slot 200 decided by the coordinator: this AP mines 1e10 and serves the two gateways. */
  static ShareClaims coordinated(ShareClaims c) {
    c.assigned(
        200,
        1e10,
        List.of(new ServingAssignment(HONEST, 0, 4e9, 2), new ServingAssignment(LIAR, 0, 6e9, 3)));
    return c;
  }

  static Reason refusal(Verdict v) {
    assertThat(v).isInstanceOf(Verdict.Refused.class);
    return ((Verdict.Refused) v).reason();
  }

  @Test
  void anAssignedGatewayClaimingItsAssignmentIsTaken() throws Exception {
    ShareClaims c = coordinated(claims(0));

    assertThat(c.claim(HONEST, 200, "0x01", 4e9, 2)).isEqualTo(new Verdict.Taken(4e9, 2));
    assertThat(c.claim(HONEST, 200, "0x02", 4e9, 2)).isInstanceOf(Verdict.Taken.class);
    assertThat(c.taken()).isEqualTo(2);
  }

  @Test
  void aGatewayClaimingMoreThanItsAssignedShareIsRefusedAndCounted() throws Exception {
    ShareClaims c = coordinated(claims(0));

    Verdict v = c.claim(LIAR, 200, "0x01", 1e10, 3);

    assertThat(refusal(v)).isEqualTo(Reason.SHARE_MISMATCH);
    assertThat(((Verdict.Refused) v).message())
        .contains("X-Bdt-Inference-Share")
        .contains("1.0E10")
        .contains("assigned 6.0E9");
    assertThat(c.refused(Reason.SHARE_MISMATCH)).isEqualTo(1);
    assertThat(c.taken()).isZero();
  }

  @Test
  void aGatewayClaimingFewerSlotTasksThanAssignedIsRefused() throws Exception {
    ShareClaims c = coordinated(claims(0));

    // fewer tasks would credit each task with a larger part of the share
    assertThat(refusal(c.claim(LIAR, 200, "0x01", 6e9, 1))).isEqualTo(Reason.SLOT_TASKS_MISMATCH);
  }

  @Test
  void aGatewayIsServedNoMoreDistinctTasksThanItsSlotTasksButARetryIsNotANewTask()
      throws Exception {
    ShareClaims c = coordinated(claims(0));
    c.claim(HONEST, 200, "0x01", 4e9, 2);
    c.claim(HONEST, 200, "0x02", 4e9, 2);

    assertThat(c.claim(HONEST, 200, "0x01", 4e9, 2)).isInstanceOf(Verdict.Taken.class);
    assertThat(refusal(c.claim(HONEST, 200, "0x03", 4e9, 2))).isEqualTo(Reason.TOO_MANY_TASKS);
  }

  @Test
  void aTaskTheLaneRefusedGivesItsClaimBack() throws Exception {
    ShareClaims c = coordinated(claims(0));
    c.claim(HONEST, 200, "0x01", 4e9, 2);
    c.claim(HONEST, 200, "0x02", 4e9, 2);

    c.release(HONEST, 200, "0x02");

    assertThat(c.claim(HONEST, 200, "0x03", 4e9, 2)).isInstanceOf(Verdict.Taken.class);
  }

  @Test
  void aGatewayNotAssignedInACoordinatedSlotTakesOnlyTheBudgetLeft() throws Exception {
    ShareClaims c = claims(0);
    c.assigned(200, 1e10, List.of(new ServingAssignment(HONEST, 0, 4e9, 2)));

    // 2e10 - 1e10 mined - 4e9 assigned: 6e9 left
    assertThat(refusal(c.claim(LIAR, 200, "0x01", 7e9, 1))).isEqualTo(Reason.BUDGET_EXCEEDED);
    assertThat(c.claim(LIAR, 200, "0x01", 6e9, 1)).isInstanceOf(Verdict.Taken.class);
    assertThat(refusal(c.claim("0xcc", 200, "0x09", 1e9, 1))).isEqualTo(Reason.BUDGET_EXCEEDED);
  }

  @Test
  void aSlotNoCoordinatorDecidedIsBoundedByTheBudgetLessTheLiveMiningShareFirstComeFirstServed()
      throws Exception {
    ShareClaims c = claims(0);
    decidedMining.set(5e9);

    // one gateway's local decision f^I + f^B <= F_m fits
    assertThat(c.claim(HONEST, 300, "0x01", 1.5e10, 1)).isInstanceOf(Verdict.Taken.class);
    // a second gateway finds nothing left
    assertThat(refusal(c.claim(LIAR, 300, "0x02", 1e9, 1))).isEqualTo(Reason.BUDGET_EXCEEDED);
    // and the first cannot raise its share, or its tasks, later in the slot
    assertThat(refusal(c.claim(HONEST, 300, "0x03", 1.6e10, 1))).isEqualTo(Reason.SHARE_MISMATCH);
    assertThat(refusal(c.claim(HONEST, 300, "0x03", 1.5e10, 4)))
        .isEqualTo(Reason.SLOT_TASKS_MISMATCH);
  }

  @Test
  void whatAnUnassignedGatewayCanClaimIsTheBudgetLeftAndInAFallbackSlotAnEqualPart()
      throws Exception {
    ShareClaims c = claims(0);
    c.assigned(200, 1e10, List.of(new ServingAssignment(HONEST, 0, 4e9, 2)));
    // coordinated: 2e10 - 1e10 mined - 4e9 assigned; the assigned gateway its assignment
    assertThat(c.available(200, LIAR)).isCloseTo(6e9, within(1.0));
    assertThat(c.available(200, HONEST)).isEqualTo(4e9);
    // the coordinator gave the rest of the budget to mining: nothing for a late gateway
    c.assigned(201, 1.6e10, List.of(new ServingAssignment(HONEST, 0, 4e9, 2)));
    assertThat(c.available(201, LIAR)).isZero();

    decidedMining.set(5e9);
    // no coordinator, nobody claimed lately: the whole F_m - f^B
    assertThat(c.available(300, HONEST)).isCloseTo(1.5e10, within(1.0));
    assertThat(c.claim(HONEST, 299, "0x01", 7.5e9, 1)).isInstanceOf(Verdict.Taken.class);
    // HONEST claimed at slot 299: each of the two gets half, and both claims are taken
    double half = c.available(300, LIAR);
    assertThat(half).isCloseTo(7.5e9, within(1.0));
    assertThat(c.claim(LIAR, 300, "0x02", half, 1)).isInstanceOf(Verdict.Taken.class);
    assertThat(c.claim(HONEST, 300, "0x03", c.available(300, HONEST), 1))
        .isInstanceOf(Verdict.Taken.class);
    assertThat(c.refused(Reason.BUDGET_EXCEEDED)).isZero();
    // a third gateway finds the slot's budget claimed; outside the ledger's window: nothing
    assertThat(c.available(300, "0xcc")).isZero();
    assertThat(c.available(50, HONEST)).isZero();
  }

  @Test
  void aClaimWithoutASlotOrForASlotTheLedgerDoesNotTakeIsRefused() throws Exception {
    ShareClaims c = claims(0);

    assertThat(refusal(c.claim(HONEST, -1, "0x01", 1e9, 1))).isEqualTo(Reason.NO_SLOT);
    assertThat(refusal(c.claim(HONEST, 99, "0x01", 1e9, 1))).isEqualTo(Reason.SLOT_OUT_OF_RANGE);
    assertThat(c.refused(Reason.NO_SLOT)).isEqualTo(1);
    assertThat(c.refused(Reason.SLOT_OUT_OF_RANGE)).isEqualTo(1);
  }

  @Test
  void whileACoordinatorDecidesAClaimForTheNextSlotWaitsForItsPush() throws Exception {
    ShareClaims c = claims(TimeUnit.SECONDS.toNanos(20));
    c.assigned(200, 1e10, List.of());

    // slot 201's offload comes before the coordinator's push of slot 201
    CompletableFuture<Verdict> early =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return c.claim(LIAR, 201, "0x01", 1e10, 1);
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    while (!c.waiting()) {
      Thread.sleep(10);
    }
    assertThat(early).isNotDone();
    c.assigned(201, 1e10, List.of(new ServingAssignment(LIAR, 0, 2e9, 1)));

    // judged against the push, not against the budget (1e10 would have fitted the budget left)
    assertThat(refusal(early.get(10, TimeUnit.SECONDS))).isEqualTo(Reason.SHARE_MISMATCH);
  }
}
