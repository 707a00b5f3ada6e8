package io.bdt.contracts.reputation;

import static io.bdt.contracts.LiveChain.ADMIN_1;
import static io.bdt.contracts.LiveChain.ADMIN_2;
import static io.bdt.contracts.LiveChain.ADMIN_3;
import static io.bdt.contracts.LiveChain.AP_2;
import static io.bdt.contracts.LiveChain.CAPACITY;
import static io.bdt.contracts.LiveChain.CLOCK;
import static io.bdt.contracts.LiveChain.GATEWAY_1;
import static io.bdt.contracts.LiveChain.GATEWAY_2;
import static io.bdt.contracts.LiveChain.OMEGA;
import static io.bdt.contracts.LiveChain.OUTSIDER;
import static io.bdt.contracts.LiveChain.sign;
import static io.bdt.contracts.Reverts.assertReverts;
import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.contracts.GasReport;
import io.bdt.contracts.LiveChain;
import io.bdt.contracts.generated.ReputationLedger;
import io.bdt.contracts.receipt.ServiceReceipt;
import java.math.BigInteger;
import java.time.Clock;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * The ledger cannot be gamed: each attack of issue 11 gets the outcome the reputation rule
 * prescribes (the receipt is refused with its reason and R_m does not move), and the slot clock and
 * idle decay work from chain time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LedgerAttackTest {
  LiveChain chain;
  Random random = new Random(11);

  @BeforeAll
  void start() {
    chain = LiveChain.get();
  }

  ServiceReceipt receipt(Credentials ap, Credentials gateway, long flops, long slot) {
    return LiveChain.receipt(random, ap, gateway, flops, slot);
  }

  ReputationLedger.AccessPoint ap2(ReputationLedger ledger) throws Exception {
    return ledger.accessPoint(AP_2.getAddress()).send();
  }

  @Test
  void lyingGatewayCannotMintReputationForAnIdleAp() throws Exception {
    ReputationLedger ledger = chain.ledgerWithRoles(ADMIN_1);
    ServiceReceipt made =
        receipt(AP_2, GATEWAY_1, CAPACITY.longValueExact(), chain.currentSlot(ledger));
    // the gateway signs and submits it; the AP never served the task, so it never co-signs
    assertReverts(
        "receipt not co-signed by its AP",
        () ->
            chain.submitSigned(
                ledger,
                GATEWAY_1,
                made,
                sign(made, ledger, GATEWAY_1),
                sign(made, ledger, GATEWAY_1)));
    // a second registered gateway co-signing in the AP's place does not help either
    assertReverts(
        "receipt not co-signed by its AP",
        () ->
            chain.submitSigned(
                ledger,
                GATEWAY_2,
                made,
                sign(made, ledger, GATEWAY_1),
                sign(made, ledger, GATEWAY_2)));
    assertThat(ledger.receiptCounted(made.taskId()).send()).isFalse();
    assertThat(ap2(ledger).openSlotFlops).isZero();
  }

  @Test
  void lyingGatewayCannotInflateTheFlopsTheApCoSigned() throws Exception {
    ReputationLedger ledger = chain.ledgerWithRoles(ADMIN_2);
    ServiceReceipt served = receipt(AP_2, GATEWAY_1, 1_000, chain.currentSlot(ledger));
    ServiceReceipt inflated =
        new ServiceReceipt(
            served.taskId(),
            served.ap(),
            served.gateway(),
            CAPACITY.multiply(BigInteger.TEN),
            served.latencyMicros(),
            served.slot());
    assertReverts(
        "receipt not co-signed by its AP",
        () ->
            chain.submitSigned(
                ledger,
                GATEWAY_1,
                inflated,
                sign(inflated, ledger, GATEWAY_1),
                sign(served, ledger, AP_2)));
    assertThat(ap2(ledger).openSlotFlops).isZero();
  }

  @Test
  void lyingApCannotCountAReceiptNoRegisteredGatewaySigned() throws Exception {
    ReputationLedger ledger = chain.ledgerWithRoles(ADMIN_3);
    long now = chain.currentSlot(ledger);
    // it names a real gateway but signs in its place
    ServiceReceipt forged = receipt(AP_2, GATEWAY_1, CAPACITY.longValueExact(), now);
    assertReverts(
        "receipt not signed by its gateway",
        () ->
            chain.submitSigned(
                ledger, AP_2, forged, sign(forged, ledger, OUTSIDER), sign(forged, ledger, AP_2)));
    // it names a gateway key of its own making
    ServiceReceipt sybil = receipt(AP_2, OUTSIDER, CAPACITY.longValueExact(), now);
    assertReverts(
        "receipt names a gateway that is not registered",
        () -> chain.submit(ledger, sybil, OUTSIDER, AP_2, AP_2));
    // it raises the FLOPs of a receipt the gateway really signed
    ServiceReceipt real = receipt(AP_2, GATEWAY_2, 1_000, now);
    ServiceReceipt raised =
        new ServiceReceipt(
            real.taskId(), real.ap(), real.gateway(), CAPACITY, real.latencyMicros(), real.slot());
    assertReverts(
        "receipt not signed by its gateway",
        () ->
            chain.submitSigned(
                ledger, AP_2, raised, sign(real, ledger, GATEWAY_2), sign(raised, ledger, AP_2)));
    assertThat(ap2(ledger).openSlotFlops).isZero();
  }

  @Test
  void replayedReceiptCountsOnce() throws Exception {
    ReputationLedger ledger = chain.ledgerWithRoles(ADMIN_1);
    ServiceReceipt r = receipt(AP_2, GATEWAY_1, 1_000, chain.currentSlot(ledger));
    chain.submit(ledger, r, GATEWAY_1, AP_2, AP_2);
    assertReverts("receipt already counted", () -> chain.submit(ledger, r, GATEWAY_1, AP_2, AP_2));
    assertReverts(
        "receipt already counted", () -> chain.submit(ledger, r, GATEWAY_1, AP_2, OUTSIDER));
    // the same task signed again with other numbers is still the same task
    ServiceReceipt again =
        new ServiceReceipt(
            r.taskId(), r.ap(), GATEWAY_2.getAddress(), BigInteger.valueOf(5_000), 10, r.slot());
    assertReverts(
        "receipt already counted", () -> chain.submit(ledger, again, GATEWAY_2, AP_2, AP_2));
    assertThat(ap2(ledger).openSlotFlops).isEqualTo(BigInteger.valueOf(1_000));
  }

  @Test
  void receiptWithHugeSlotIsRejectedAndLaterReceiptsStillCount() throws Exception {
    ReputationLedger ledger = chain.ledgerWithRoles(ADMIN_2);
    long now = chain.currentSlot(ledger);
    chain.submit(
        ledger, receipt(AP_2, GATEWAY_1, CAPACITY.longValueExact(), now), GATEWAY_1, AP_2, AP_2);
    ReputationLedger.AccessPoint before = ap2(ledger);
    for (long huge : List.of(-1L, Long.MAX_VALUE, now + CLOCK.maxReceiptLeadSlots() + 1000)) {
      ServiceReceipt r = receipt(AP_2, GATEWAY_1, 1_000, huge);
      assertReverts(
          "receipt slot is ahead of the chain's slot clock",
          () -> chain.submit(ledger, r, GATEWAY_1, AP_2, AP_2));
    }
    ReputationLedger.AccessPoint after = ap2(ledger);
    assertThat(after.openSlot).isEqualTo(before.openSlot);
    assertThat(after.reputation).isEqualTo(before.reputation);
    ServiceReceipt later = receipt(AP_2, GATEWAY_1, 1_000, now + 1);
    TransactionReceipt tx = chain.submit(ledger, later, GATEWAY_1, AP_2, AP_2);
    assertThat(ReputationLedger.getReceiptRecordedEvents(tx)).hasSize(1);
    // the full-capacity slot closed normally: R = 0.1
    assertThat(ledger.reputationOf(AP_2.getAddress()).send())
        .isEqualTo(FixedPoint.ONE.divide(BigInteger.TEN));
  }

  @Test
  void receiptOlderThanTheWindowIsRejected() throws Exception {
    ReputationLedger ledger = chain.ledgerWithRoles(ADMIN_3);
    long now = chain.currentSlot(ledger);
    for (long old : List.of(0L, now - CLOCK.maxReceiptAgeSlots() - 5)) {
      ServiceReceipt r = receipt(AP_2, GATEWAY_2, 1_000, old);
      assertReverts(
          "receipt slot is older than the receipt window",
          () -> chain.submit(ledger, r, GATEWAY_2, AP_2, AP_2));
    }
  }

  @Test
  void restartedGatewayKeepsNumberingSlotsFromTheChainClock() throws Exception {
    ReputationLedger ledger = chain.ledgerWithRoles(ADMIN_1);
    SlotClock first = SlotClock.read(chain.web3j, ledger.getContractAddress());
    assertThat(first).isEqualTo(CLOCK);
    long before = first.slotAt(Clock.systemUTC());
    chain.submit(ledger, receipt(AP_2, GATEWAY_1, 1_000, before), GATEWAY_1, AP_2, AP_2);

    // the gateway restarts: it has no counter to lose, it reads the clock from the ledger again
    awaitSlot(ledger, before + 1);
    SlotClock restarted = SlotClock.read(chain.web3j, ledger.getContractAddress());
    long after = restarted.slotAt(Clock.systemUTC());
    assertThat(after).isGreaterThan(before);
    TransactionReceipt tx =
        chain.submit(ledger, receipt(AP_2, GATEWAY_1, 1_000, after), GATEWAY_1, AP_2, AP_2);
    assertThat(ReputationLedger.getReceiptRecordedEvents(tx))
        .singleElement()
        .satisfies(e -> assertThat(e.slot).isEqualTo(BigInteger.valueOf(after)));
    // the slot before the restart was closed and counted: x = 1e-6, R = 0.1 * 1e-6
    assertThat(ledger.reputationOf(AP_2.getAddress()).send()).isPositive();
  }

  @Test
  void idleApDecaysAndAnyoneCanSettleIt() throws Exception {
    SlotClock shortWindow = new SlotClock(0, 1, 1, 2);
    ReputationLedger ledger = chain.deployLedger(ADMIN_2, shortWindow);
    for (Credentials admin : List.of(ADMIN_1, ADMIN_3)) {
      chain
          .as(admin, ledger)
          .approveAccessPoint(AP_2.getAddress(), CAPACITY, FixedPoint.ONE)
          .send();
    }
    long registeredAt = ap2(ledger).openSlot.longValueExact();
    ApReputation idle = ApReputation.registered(CAPACITY, FixedPoint.ONE, registeredAt);
    awaitSlot(ledger, registeredAt + 4);

    // reads already apply the decay, at any block: R = (1 - omega)^(slots passed)
    BigInteger head = chain.web3j.ethBlockNumber().send().getBlockNumber();
    ReputationLedger atHead = chain.as(OUTSIDER, ledger);
    atHead.setDefaultBlockParameter(DefaultBlockParameter.valueOf(head));
    long current = atHead.currentSlot().send().longValueExact();
    BigInteger expected = idle.closedUntil(shortWindow.closedBefore(current), OMEGA).reputation();
    assertThat(atHead.reputationOf(AP_2.getAddress()).send()).isEqualTo(expected);
    assertThat(atHead.miningReputation(AP_2.getAddress()).send().component2()).isEqualTo(expected);
    assertThat(expected).isLessThan(FixedPoint.ONE);

    // a keeper (here an outsider) stores it
    TransactionReceipt tx =
        GasReport.record(
            "ReputationLedger",
            "settle (one idle AP)",
            chain.as(OUTSIDER, ledger).settle(List.of(AP_2.getAddress())).send());
    long settledAt = slotOfBlock(tx.getBlockNumber(), shortWindow);
    ApReputation settled = idle.closedUntil(shortWindow.closedBefore(settledAt), OMEGA);
    ReputationLedger.AccessPoint stored = ap2(ledger);
    assertThat(stored.reputation).isEqualTo(settled.reputation());
    assertThat(stored.openSlot).isEqualTo(BigInteger.valueOf(settled.openSlot()));
    assertThat(ReputationLedger.getSlotClosedEvents(tx))
        .singleElement()
        .satisfies(e -> assertThat(e.contribution).isZero());
    assertReverts(
        "settle: not a registered AP",
        () -> chain.as(OUTSIDER, ledger).settle(List.of(OUTSIDER.getAddress())).send());
  }

  long slotOfBlock(BigInteger number, SlotClock clock) throws Exception {
    long ts =
        chain
            .web3j
            .ethGetBlockByNumber(DefaultBlockParameter.valueOf(number), false)
            .send()
            .getBlock()
            .getTimestamp()
            .longValueExact();
    return clock.slotAt(java.time.Instant.ofEpochSecond(ts));
  }

  /** Waits until the head block is in {@code slot} or later (blocks come at least every 2 s). */
  void awaitSlot(ReputationLedger ledger, long slot) throws Exception {
    while (chain.currentSlot(ledger) < slot) {
      Thread.sleep(200);
    }
  }
}
