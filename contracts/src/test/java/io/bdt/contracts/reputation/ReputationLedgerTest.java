package io.bdt.contracts.reputation;

import static io.bdt.contracts.LiveChain.ADMIN_1;
import static io.bdt.contracts.LiveChain.ADMIN_2;
import static io.bdt.contracts.LiveChain.ADMIN_3;
import static io.bdt.contracts.LiveChain.AP_2;
import static io.bdt.contracts.LiveChain.CAPACITY;
import static io.bdt.contracts.LiveChain.CHAIN_ID;
import static io.bdt.contracts.LiveChain.GATEWAY_1;
import static io.bdt.contracts.LiveChain.GATEWAY_2;
import static io.bdt.contracts.LiveChain.MINER;
import static io.bdt.contracts.LiveChain.OMEGA;
import static io.bdt.contracts.LiveChain.OUTSIDER;
import static io.bdt.contracts.LiveChain.sign;
import static io.bdt.contracts.Reverts.assertReverts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.bdt.contracts.GasReport;
import io.bdt.contracts.LiveChain;
import io.bdt.contracts.generated.ReputationLedger;
import io.bdt.contracts.receipt.ServiceReceipt;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.exceptions.TransactionException;

/** ReputationLedger on the live node: roles, receipts, the reputation rule, reads and events. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReputationLedgerTest {
  static final String LEDGER = "ReputationLedger";
  LiveChain chain;
  Random random = new Random(7);

  @BeforeAll
  void start() {
    chain = LiveChain.get();
  }

  ServiceReceipt receipt(Credentials ap, Credentials gateway, long flops, long slot) {
    return LiveChain.receipt(random, ap, gateway, flops, slot);
  }

  /** Submits {@code r} signed by its gateway and co-signed by its AP, sent by the AP. */
  TransactionReceipt submit(ReputationLedger ledger, ServiceReceipt r, Credentials gateway)
      throws Exception {
    Credentials ap = r.ap().equalsIgnoreCase(MINER.getAddress()) ? MINER : AP_2;
    return chain.submit(ledger, r, gateway, ap, ap);
  }

  // ---- admin threshold ----------------------------------------------------------------------

  @Test
  void gatewayIsRegisteredOnlyWhenTheThresholdOfAdminsApproves() throws Exception {
    ReputationLedger ledger = chain.deployLedger(ADMIN_1);
    TransactionReceipt first =
        GasReport.record(
            LEDGER,
            "approveGateway (below threshold)",
            chain.as(ADMIN_1, ledger).approveGateway(GATEWAY_1.getAddress()).send());
    assertThat(ledger.isGateway(GATEWAY_1.getAddress()).send()).isFalse();
    assertThat(ReputationLedger.getActionApprovedEvents(first)).hasSize(1);

    TransactionReceipt second =
        GasReport.record(
            LEDGER,
            "approveGateway (reaching threshold)",
            chain.as(ADMIN_2, ledger).approveGateway(GATEWAY_1.getAddress()).send());
    assertThat(ledger.isGateway(GATEWAY_1.getAddress()).send()).isTrue();
    assertThat(ReputationLedger.getGatewayAddedEvents(second))
        .singleElement()
        .satisfies(e -> assertThat(e.gateway).isEqualToIgnoringCase(GATEWAY_1.getAddress()));
    assertThat(ledger.gateways().send()).hasSize(1);
  }

  @Test
  void nonAdminCannotApproveGateway() throws Exception {
    ReputationLedger ledger = chain.deployLedger(ADMIN_1);
    assertReverts(
        "caller is not an admin",
        () -> chain.as(GATEWAY_1, ledger).approveGateway(GATEWAY_1.getAddress()).send());
  }

  @Test
  void nonAdminCannotApproveAccessPoint() throws Exception {
    ReputationLedger ledger = chain.deployLedger(ADMIN_1);
    assertReverts(
        "caller is not an admin",
        () ->
            chain
                .as(AP_2, ledger)
                .approveAccessPoint(AP_2.getAddress(), CAPACITY, BigInteger.ZERO)
                .send());
  }

  @Test
  void adminCannotApproveTheSameActionTwice() throws Exception {
    ReputationLedger ledger = chain.deployLedger(ADMIN_1);
    chain.as(ADMIN_1, ledger).approveGateway(GATEWAY_1.getAddress()).send();
    assertReverts(
        "admin already approved this action",
        () -> chain.as(ADMIN_1, ledger).approveGateway(GATEWAY_1.getAddress()).send());
    assertThat(ledger.isGateway(GATEWAY_1.getAddress()).send()).isFalse();
  }

  @Test
  void accessPointApprovalsCountOnlyForIdenticalArguments() throws Exception {
    ReputationLedger ledger = chain.deployLedger(ADMIN_1);
    GasReport.record(
        LEDGER,
        "approveAccessPoint (below threshold)",
        chain
            .as(ADMIN_1, ledger)
            .approveAccessPoint(AP_2.getAddress(), CAPACITY, BigInteger.ZERO)
            .send());
    chain
        .as(ADMIN_2, ledger)
        .approveAccessPoint(AP_2.getAddress(), CAPACITY.add(BigInteger.ONE), BigInteger.ZERO)
        .send();
    assertThat(ledger.isAccessPoint(AP_2.getAddress()).send()).isFalse();

    TransactionReceipt done =
        GasReport.record(
            LEDGER,
            "approveAccessPoint (reaching threshold)",
            chain
                .as(ADMIN_3, ledger)
                .approveAccessPoint(AP_2.getAddress(), CAPACITY, BigInteger.ZERO)
                .send());
    assertThat(ledger.isAccessPoint(AP_2.getAddress()).send()).isTrue();
    assertThat(ReputationLedger.getAccessPointAddedEvents(done))
        .singleElement()
        .satisfies(e -> assertThat(e.capacityFlopsPerSlot).isEqualTo(CAPACITY));
    assertThat(ledger.accessPoint(AP_2.getAddress()).send().capacityFlopsPerSlot)
        .isEqualTo(CAPACITY);
  }

  /**
   * The node drops a constructor's revert data (libevm returns none for a failed creation; see
   * docs/contracts.md), so only the failed deployment is asserted here.
   */
  @Test
  void deploymentRejectsThresholdAboveAdminCount() {
    Throwable thrown =
        catchThrowable(
            () ->
                ReputationLedger.deploy(
                        chain.web3j,
                        chain.as(ADMIN_1),
                        LiveChain.GAS,
                        List.of(ADMIN_1.getAddress()),
                        BigInteger.TWO,
                        OMEGA,
                        BigInteger.ZERO,
                        BigInteger.ONE,
                        BigInteger.TEN,
                        BigInteger.TWO)
                    .send());
    assertThat(thrown).isInstanceOf(TransactionException.class);
    TransactionReceipt failed =
        ((TransactionException) thrown).getTransactionReceipt().orElseThrow();
    assertThat(failed.isStatusOK()).isFalse();
    assertThat(failed.getContractAddress()).isNull();
  }

  // ---- receipts -----------------------------------------------------------------------------

  @Test
  void receiptSignedByGatewayAndCoSignedByApIsRecordedWithEvent() throws Exception {
    ReputationLedger ledger = chain.ledgerWithRoles(ADMIN_2);
    long now = chain.currentSlot(ledger);
    ServiceReceipt r = receipt(AP_2, GATEWAY_1, 400_000_000L, now + 1);
    TransactionReceipt tx =
        GasReport.record(LEDGER, "submitReceipt (opens a new slot)", submit(ledger, r, GATEWAY_1));
    assertThat(ledger.receiptCounted(r.taskId()).send()).isTrue();
    var events = ReputationLedger.getReceiptRecordedEvents(tx);
    assertThat(events).hasSize(1);
    assertThat(events.get(0).taskId).isEqualTo(r.taskId());
    assertThat(events.get(0).gateway).isEqualToIgnoringCase(GATEWAY_1.getAddress());
    assertThat(events.get(0).flopsServed).isEqualTo(r.flopsServed());
    assertThat(events.get(0).slot).isEqualTo(BigInteger.valueOf(now + 1));
    ReputationLedger.AccessPoint state = ledger.accessPoint(AP_2.getAddress()).send();
    assertThat(state.openSlot).isEqualTo(BigInteger.valueOf(now + 1));
    assertThat(state.openSlotFlops).isEqualTo(r.flopsServed());

    ServiceReceipt same = receipt(AP_2, GATEWAY_2, 100_000_000L, now + 1);
    GasReport.record(LEDGER, "submitReceipt (same slot)", submit(ledger, same, GATEWAY_2));
    ServiceReceipt next = receipt(AP_2, GATEWAY_1, 100_000_000L, now + 2);
    TransactionReceipt closing =
        GasReport.record(
            LEDGER, "submitReceipt (closes previous slot)", submit(ledger, next, GATEWAY_1));
    var closed = ReputationLedger.getSlotClosedEvents(closing);
    assertThat(closed)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.slot).isEqualTo(BigInteger.valueOf(now + 1));
              assertThat(e.contribution).isEqualTo(FixedPoint.ONE.divide(BigInteger.TWO));
              // R = 0.9 * 0 + 0.1 * 0.5
              assertThat(e.reputation).isEqualTo(FixedPoint.ONE.divide(BigInteger.valueOf(20)));
            });
    assertThat(ledger.reputationOf(AP_2.getAddress()).send())
        .isEqualTo(FixedPoint.ONE.divide(BigInteger.valueOf(20)));
  }

  @Test
  void contractDigestEqualsJavaDigest() throws Exception {
    ReputationLedger ledger = chain.deployLedger(ADMIN_3);
    ServiceReceipt r = receipt(AP_2, GATEWAY_2, 123_456_789L, (1L << 40) + 3);
    assertThat(ledger.receiptDigest(r.toContract()).send())
        .isEqualTo(r.digest(CHAIN_ID, ledger.getContractAddress()));
    assertThat(ledger.RECEIPT_TYPEHASH().send()).isEqualTo(ServiceReceipt.TYPE_HASH);
  }

  @Test
  void receiptSignedForAnotherLedgerIsRejected() throws Exception {
    ReputationLedger ledger = chain.ledgerWithRoles(ADMIN_1);
    ServiceReceipt r = receipt(AP_2, GATEWAY_1, 1_000, chain.currentSlot(ledger));
    String elsewhere = AP_2.getAddress();
    byte[] gatewaySig = r.sign(CHAIN_ID, elsewhere, GATEWAY_1.getEcKeyPair());
    byte[] apSig = r.sign(CHAIN_ID, elsewhere, AP_2.getEcKeyPair());
    assertReverts(
        "receipt not signed by its gateway",
        () -> chain.as(AP_2, ledger).submitReceipt(r.toContract(), gatewaySig, apSig).send());
  }

  @Test
  void receiptForUnregisteredApIsRejected() throws Exception {
    ReputationLedger ledger = chain.ledgerWithRoles(ADMIN_3);
    ServiceReceipt forOutsider = receipt(OUTSIDER, GATEWAY_1, 1_000, chain.currentSlot(ledger));
    assertReverts(
        "receipt names an AP that is not registered",
        () -> chain.submit(ledger, forOutsider, GATEWAY_1, OUTSIDER, OUTSIDER));
  }

  @Test
  void receiptForClosedSlotIsRejected() throws Exception {
    ReputationLedger ledger = chain.ledgerWithRoles(ADMIN_2);
    long now = chain.currentSlot(ledger);
    submit(ledger, receipt(AP_2, GATEWAY_1, 1_000, now), GATEWAY_1);
    submit(ledger, receipt(AP_2, GATEWAY_1, 1_000, now + 1), GATEWAY_1);
    assertReverts(
        "receipt slot already closed",
        () -> submit(ledger, receipt(AP_2, GATEWAY_1, 1_000, now), GATEWAY_1));
  }

  @Test
  void batchRecordsEveryReceiptOrNone() throws Exception {
    ReputationLedger ledger = chain.ledgerWithRoles(ADMIN_3);
    long now = chain.currentSlot(ledger);
    List<ReputationLedger.Receipt> rs = new ArrayList<>();
    List<byte[]> gatewaySigs = new ArrayList<>();
    List<byte[]> apSigs = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      Credentials gateway = i % 2 == 0 ? GATEWAY_1 : GATEWAY_2;
      ServiceReceipt r = receipt(AP_2, gateway, 50_000_000L, now + i / 5);
      rs.add(r.toContract());
      gatewaySigs.add(sign(r, ledger, gateway));
      apSigs.add(sign(r, ledger, AP_2));
    }
    TransactionReceipt tx =
        GasReport.record(
            LEDGER,
            "submitReceipts (batch of 10, 2 slots)",
            chain.as(AP_2, ledger).submitReceipts(rs, gatewaySigs, apSigs).send());
    assertThat(ReputationLedger.getReceiptRecordedEvents(tx)).hasSize(10);
    assertThat(ReputationLedger.getSlotClosedEvents(tx)).hasSize(1);

    ServiceReceipt ok = receipt(AP_2, GATEWAY_1, 1_000, now + 2);
    ServiceReceipt forged = receipt(AP_2, GATEWAY_1, 1_000, now + 2);
    List<ReputationLedger.Receipt> bad = List.of(ok.toContract(), forged.toContract());
    List<byte[]> badGatewaySigs =
        List.of(sign(ok, ledger, GATEWAY_1), sign(forged, ledger, OUTSIDER));
    List<byte[]> badApSigs = List.of(sign(ok, ledger, AP_2), sign(forged, ledger, AP_2));
    assertReverts(
        "receipt not signed by its gateway",
        () -> chain.as(AP_2, ledger).submitReceipts(bad, badGatewaySigs, badApSigs).send());
    assertThat(ledger.receiptCounted(ok.taskId()).send()).isFalse();
  }

  @Test
  void onChainReputationMatchesTheJavaRuleOverRandomReceipts() throws Exception {
    // a clock that accepts slots far ahead, so random gaps need no waiting, and far behind, so the
    // receipts' slots never depend on how long the chain took (the window has its own tests)
    SlotClock farAhead = new SlotClock(0, 1, 1L << 32, 1L << 32);
    ReputationLedger ledger = chain.ledgerWithRoles(ADMIN_2, farAhead);
    long registeredAt = ledger.accessPoint(AP_2.getAddress()).send().openSlot.longValueExact();
    ApReputation model = ApReputation.registered(CAPACITY, BigInteger.ZERO, registeredAt);
    long slot = registeredAt + 10;
    List<ReputationLedger.Receipt> rs = new ArrayList<>();
    List<byte[]> gatewaySigs = new ArrayList<>();
    List<byte[]> apSigs = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      slot += random.nextInt(10) < 6 ? 0 : 1 + random.nextInt(random.nextInt(10) < 8 ? 2 : 40);
      long flops = 1 + (long) (random.nextDouble() * 900_000_000L);
      ServiceReceipt r = receipt(AP_2, GATEWAY_2, flops, slot);
      model = model.withReceipt(r.flopsServed(), slot, OMEGA);
      rs.add(r.toContract());
      gatewaySigs.add(sign(r, ledger, GATEWAY_2));
      apSigs.add(sign(r, ledger, AP_2));
      if (rs.size() == 8) {
        chain.as(AP_2, ledger).submitReceipts(rs, gatewaySigs, apSigs).send();
        rs.clear();
        gatewaySigs.clear();
        apSigs.clear();
      }
    }
    ServiceReceipt closing = receipt(AP_2, GATEWAY_2, 1, slot + 3);
    model = model.withReceipt(BigInteger.ONE, slot + 3, OMEGA);
    submit(ledger, closing, GATEWAY_2);
    ReputationLedger.AccessPoint onChain = ledger.accessPoint(AP_2.getAddress()).send();
    assertThat(onChain.reputation).isEqualTo(model.reputation());
    assertThat(onChain.openSlot).isEqualTo(BigInteger.valueOf(model.openSlot()));
    assertThat(onChain.openSlotFlops).isEqualTo(model.openSlotFlops());
    assertThat(model.reputation()).isPositive();
  }
}
