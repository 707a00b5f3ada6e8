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

  ServiceReceipt receipt(Credentials ap, long flops, long slot) {
    byte[] id = new byte[32];
    random.nextBytes(id);
    return new ServiceReceipt(id, ap.getAddress(), BigInteger.valueOf(flops), 1500, slot);
  }

  byte[] sign(ServiceReceipt r, ReputationLedger ledger, Credentials gateway) {
    return r.sign(CHAIN_ID, ledger.getContractAddress(), gateway.getEcKeyPair());
  }

  TransactionReceipt submit(
      ReputationLedger ledger, Credentials ap, ServiceReceipt r, Credentials gateway)
      throws Exception {
    return chain.as(ap, ledger).submitReceipt(r.toContract(), sign(r, ledger, gateway)).send();
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
                        OMEGA)
                    .send());
    assertThat(thrown).isInstanceOf(TransactionException.class);
    TransactionReceipt failed =
        ((TransactionException) thrown).getTransactionReceipt().orElseThrow();
    assertThat(failed.isStatusOK()).isFalse();
    assertThat(failed.getContractAddress()).isNull();
  }

  // ---- receipts -----------------------------------------------------------------------------

  @Test
  void receiptSignedByRegisteredGatewayIsRecordedWithEvent() throws Exception {
    ReputationLedger ledger = chain.ledgerWithRoles(ADMIN_2);
    ServiceReceipt r = receipt(AP_2, 400_000_000L, 100);
    TransactionReceipt tx =
        GasReport.record(
            LEDGER, "submitReceipt (opens first slot)", submit(ledger, AP_2, r, GATEWAY_1));
    assertThat(ledger.receiptCounted(r.taskId()).send()).isTrue();
    var events = ReputationLedger.getReceiptRecordedEvents(tx);
    assertThat(events).hasSize(1);
    assertThat(events.get(0).taskId).isEqualTo(r.taskId());
    assertThat(events.get(0).gateway).isEqualToIgnoringCase(GATEWAY_1.getAddress());
    assertThat(events.get(0).flopsServed).isEqualTo(r.flopsServed());
    assertThat(events.get(0).slot).isEqualTo(BigInteger.valueOf(100));
    ReputationLedger.AccessPoint state = ledger.accessPoint(AP_2.getAddress()).send();
    assertThat(state.started).isTrue();
    assertThat(state.openSlot).isEqualTo(BigInteger.valueOf(100));
    assertThat(state.openSlotFlops).isEqualTo(r.flopsServed());

    ServiceReceipt same = receipt(AP_2, 100_000_000L, 100);
    GasReport.record(LEDGER, "submitReceipt (same slot)", submit(ledger, AP_2, same, GATEWAY_2));
    ServiceReceipt next = receipt(AP_2, 100_000_000L, 101);
    TransactionReceipt closing =
        GasReport.record(
            LEDGER, "submitReceipt (closes previous slot)", submit(ledger, AP_2, next, GATEWAY_1));
    var closed = ReputationLedger.getSlotClosedEvents(closing);
    assertThat(closed)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.slot).isEqualTo(BigInteger.valueOf(100));
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
    ServiceReceipt r = receipt(AP_2, 123_456_789L, (1L << 40) + 3);
    assertThat(ledger.receiptDigest(r.toContract()).send())
        .isEqualTo(r.digest(CHAIN_ID, ledger.getContractAddress()));
    assertThat(ledger.RECEIPT_TYPEHASH().send()).isEqualTo(ServiceReceipt.TYPE_HASH);
  }

  @Test
  void receiptNotSignedByRegisteredGatewayIsRejected() throws Exception {
    ReputationLedger ledger = chain.ledgerWithRoles(ADMIN_1);
    ServiceReceipt r = receipt(AP_2, 1_000, 5);
    assertReverts(
        "receipt not signed by a registered gateway", () -> submit(ledger, AP_2, r, OUTSIDER));
    assertThat(ledger.receiptCounted(r.taskId()).send()).isFalse();
  }

  @Test
  void receiptSignedForAnotherLedgerIsRejected() throws Exception {
    ReputationLedger ledger = chain.ledgerWithRoles(ADMIN_1);
    ServiceReceipt r = receipt(AP_2, 1_000, 5);
    byte[] forElsewhere = r.sign(CHAIN_ID, AP_2.getAddress(), GATEWAY_1.getEcKeyPair());
    assertReverts(
        "receipt not signed by a registered gateway",
        () -> chain.as(AP_2, ledger).submitReceipt(r.toContract(), forElsewhere).send());
  }

  @Test
  void receiptCountsOnce() throws Exception {
    ReputationLedger ledger = chain.ledgerWithRoles(ADMIN_2);
    ServiceReceipt r = receipt(AP_2, 1_000, 5);
    submit(ledger, AP_2, r, GATEWAY_1);
    assertReverts("receipt already counted", () -> submit(ledger, AP_2, r, GATEWAY_1));
    assertReverts("receipt already counted", () -> submit(ledger, AP_2, r, GATEWAY_2));
    assertThat(ledger.accessPoint(AP_2.getAddress()).send().openSlotFlops)
        .isEqualTo(BigInteger.valueOf(1_000));
  }

  @Test
  void onlyRegisteredApsSubmitReceipts() throws Exception {
    ReputationLedger ledger = chain.ledgerWithRoles(ADMIN_3);
    ServiceReceipt forOutsider = receipt(OUTSIDER, 1_000, 5);
    assertReverts(
        "caller is not a registered AP", () -> submit(ledger, OUTSIDER, forOutsider, GATEWAY_1));
    ServiceReceipt forGateway = receipt(GATEWAY_1, 1_000, 5);
    assertReverts(
        "caller is not a registered AP", () -> submit(ledger, GATEWAY_1, forGateway, GATEWAY_1));
  }

  @Test
  void apCannotSubmitAnotherApsReceipt() throws Exception {
    ReputationLedger ledger = chain.ledgerWithRoles(ADMIN_1);
    ServiceReceipt r = receipt(MINER, 1_000, 5);
    assertReverts("receipt names another AP", () -> submit(ledger, AP_2, r, GATEWAY_1));
  }

  @Test
  void receiptForClosedSlotIsRejected() throws Exception {
    ReputationLedger ledger = chain.ledgerWithRoles(ADMIN_2);
    submit(ledger, AP_2, receipt(AP_2, 1_000, 10), GATEWAY_1);
    submit(ledger, AP_2, receipt(AP_2, 1_000, 11), GATEWAY_1);
    assertReverts(
        "receipt slot already closed",
        () -> submit(ledger, AP_2, receipt(AP_2, 1_000, 10), GATEWAY_1));
  }

  @Test
  void batchRecordsEveryReceiptOrNone() throws Exception {
    ReputationLedger ledger = chain.ledgerWithRoles(ADMIN_3);
    List<ReputationLedger.Receipt> rs = new ArrayList<>();
    List<byte[]> sigs = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ServiceReceipt r = receipt(AP_2, 50_000_000L, 20 + i / 5);
      rs.add(r.toContract());
      sigs.add(sign(r, ledger, i % 2 == 0 ? GATEWAY_1 : GATEWAY_2));
    }
    TransactionReceipt tx =
        GasReport.record(
            LEDGER,
            "submitReceipts (batch of 10, 2 slots)",
            chain.as(AP_2, ledger).submitReceipts(rs, sigs).send());
    assertThat(ReputationLedger.getReceiptRecordedEvents(tx)).hasSize(10);
    assertThat(ReputationLedger.getSlotClosedEvents(tx)).hasSize(1);

    List<ReputationLedger.Receipt> bad = new ArrayList<>();
    List<byte[]> badSigs = new ArrayList<>();
    ServiceReceipt ok = receipt(AP_2, 1_000, 30);
    ServiceReceipt forged = receipt(AP_2, 1_000, 30);
    bad.add(ok.toContract());
    badSigs.add(sign(ok, ledger, GATEWAY_1));
    bad.add(forged.toContract());
    badSigs.add(sign(forged, ledger, OUTSIDER));
    assertReverts(
        "receipt not signed by a registered gateway",
        () -> chain.as(AP_2, ledger).submitReceipts(bad, badSigs).send());
    assertThat(ledger.receiptCounted(ok.taskId()).send()).isFalse();
  }

  @Test
  void closeSlotAppliesTheSlotAndDecaysEmptySlots() throws Exception {
    ReputationLedger ledger = chain.ledgerWithRoles(ADMIN_1);
    submit(ledger, AP_2, receipt(AP_2, 2_000_000_000L, 7), GATEWAY_1);
    TransactionReceipt closed =
        GasReport.record(
            LEDGER,
            "closeSlot (3 empty slots)",
            chain.as(AP_2, ledger).closeSlot(BigInteger.valueOf(11)).send());
    ApReputation expected =
        ApReputation.registered(CAPACITY, BigInteger.ZERO)
            .withReceipt(BigInteger.valueOf(2_000_000_000L), 7, OMEGA)
            .closedUntil(11, OMEGA);
    assertThat(ledger.reputationOf(AP_2.getAddress()).send()).isEqualTo(expected.reputation());
    assertThat(ReputationLedger.getSlotClosedEvents(closed))
        .singleElement()
        .satisfies(e -> assertThat(e.emptySlotsAfter).isEqualTo(BigInteger.valueOf(3)));
    assertReverts(
        "nextSlot: must be after the open slot",
        () -> chain.as(AP_2, ledger).closeSlot(BigInteger.valueOf(11)).send());
    assertReverts(
        "caller is not a registered AP",
        () -> chain.as(OUTSIDER, ledger).closeSlot(BigInteger.valueOf(12)).send());
  }

  @Test
  void onChainReputationMatchesTheJavaRuleOverRandomReceipts() throws Exception {
    ReputationLedger ledger = chain.ledgerWithRoles(ADMIN_2);
    ApReputation model = ApReputation.registered(CAPACITY, BigInteger.ZERO);
    long slot = 1_000;
    List<ReputationLedger.Receipt> rs = new ArrayList<>();
    List<byte[]> sigs = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      slot += random.nextInt(10) < 6 ? 0 : 1 + random.nextInt(random.nextInt(10) < 8 ? 2 : 40);
      long flops = 1 + (long) (random.nextDouble() * 900_000_000L);
      ServiceReceipt r = receipt(AP_2, flops, slot);
      model = model.withReceipt(r.flopsServed(), slot, OMEGA);
      rs.add(r.toContract());
      sigs.add(sign(r, ledger, GATEWAY_2));
      if (rs.size() == 8) {
        chain.as(AP_2, ledger).submitReceipts(rs, sigs).send();
        rs.clear();
        sigs.clear();
      }
    }
    model = model.closedUntil(slot + 3, OMEGA);
    chain.as(AP_2, ledger).closeSlot(BigInteger.valueOf(slot + 3)).send();
    ReputationLedger.AccessPoint onChain = ledger.accessPoint(AP_2.getAddress()).send();
    assertThat(onChain.reputation).isEqualTo(model.reputation());
    assertThat(onChain.openSlot).isEqualTo(BigInteger.valueOf(model.openSlot()));
    assertThat(model.reputation()).isPositive();
  }
}
