package io.bdt.ap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bdt.ap.chain.NetworkContracts;
import io.bdt.ap.chain.PlatformChain;
import io.bdt.ap.chain.TestPlatformKeys;
import io.bdt.ap.coordinator.CoordinatorResource;
import io.bdt.ap.offload.OffloadLaneTest;
import io.bdt.ap.offload.OffloadResource;
import io.bdt.ap.offload.ShareClaims;
import io.bdt.ap.receipt.ReceiptBook;
import io.bdt.ap.receipt.ReceiptMessage;
import io.bdt.contracts.generated.ReputationLedger;
import io.bdt.contracts.receipt.ServiceReceipt;
import io.bdt.dnn.vibration.MachineState;
import io.bdt.dnn.vibration.VibrationGenerator;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import jakarta.ws.rs.core.Response;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.utils.Numeric;

/**
 * A whole AP with the platform's ReputationLedger on its own chain: in a slot the coordinator
 * decided, a registered gateway that claims a larger share (or fewer slot tasks) than it was
 * assigned is refused with the reason and counted, its receipts are not co-signed, and the ledger
 * credits the AP with exactly the honest tasks' shares.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ShareClaimsOnChainTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Credentials GATEWAY = TestPlatformKeys.gateway(0);
  static final String AP = TestPlatformKeys.ap(0).getAddress();
  static final double ASSIGNED = 4e9;
  static final int TASKS = 2;
  static @TempDir Path dir;
  static AccessPoint ap;
  static PrometheusMeterRegistry metrics;
  static Web3j web3j;
  static byte[] frame;

  @BeforeAll
  static void start() throws Exception {
    Path genesis = dir.resolve("genesis.json");
    PlatformChain.genesis(TestPlatformKeys.of(3, 1)).write(genesis);
    metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ap =
        new AccessPoint(
            new LiveMiningShareTest.Config(
                dir.resolve("models"), new LiveMiningShareTest.Chain(genesis, dir.resolve("node"))),
            metrics);
    ap.start(null);
    web3j = Web3j.build(new HttpService(ap.chain().rpcUrl()));
    NetworkContracts.deployPlatform(
        web3j, TestPlatformKeys.of(3, 1), new PrintStream(PrintStream.nullOutputStream()));
    frame =
        OffloadLaneTest.headFrame(
            OffloadLaneTest.CUT, new VibrationGenerator(3).next(MachineState.NORMAL).samples());
  }

  @AfterAll
  static void stop() {
    if (web3j != null) {
      web3j.shutdown();
    }
    if (ap != null) {
      ap.stop(null);
    }
  }

  static String task(int n) {
    return Numeric.toHexString(Numeric.toBytesPadded(BigInteger.valueOf(n), 32));
  }

  static Response offload(int task, long slot, double share, int slotTasks) {
    return new OffloadResource(ap)
        .serve(
            GATEWAY.getAddress().toLowerCase(),
            frame,
            task(task),
            Long.toString(slot),
            Double.toString(share),
            null,
            Integer.toString(slotTasks));
  }

  static ReceiptMessage receipt(int task, long slot, long flops) {
    ServiceReceipt r =
        new ServiceReceipt(
            Numeric.hexStringToByteArray(task(task)),
            AP,
            GATEWAY.getAddress(),
            BigInteger.valueOf(flops),
            2_000,
            slot);
    byte[] signature =
        r.sign(
            PlatformChain.CHAIN_ID,
            PlatformChain.ledgerAddress(TestPlatformKeys.of(0, 0)),
            GATEWAY.getEcKeyPair());
    return new ReceiptMessage(
        task(task),
        AP,
        Long.toString(flops),
        2_000,
        slot,
        GATEWAY.getAddress(),
        Numeric.toHexString(signature));
  }

  static ReputationLedger.AccessPoint onLedger() throws Exception {
    return ReputationLedger.load(
            PlatformChain.ledgerAddress(TestPlatformKeys.of(0, 0)),
            web3j,
            new ReadonlyTransactionManager(web3j, AP),
            NetworkContracts.GAS)
        .accessPoint(AP)
        .send();
  }

  static String reason(Response r) {
    return ((Map<?, ?>) r.getEntity()).get("reason").toString();
  }

  @Test
  void aLyingGatewayIsRefusedAndTheLedgerCreditsOnlyTheHonestShare() throws Exception {
    var clock = ap.chain().slotClock().orElseThrow();
    long slot = clock.slotAt(Clock.systemUTC());
    // the slot coordinator (this AP, an AP of the genesis) decided the slot: gateway 0 gets 4e9 Hz
    // for its 2 tasks
    byte[] push =
        JSON.writeValueAsBytes(
            Map.of(
                "slot",
                slot,
                "miningShareHz",
                1e10,
                "gateways",
                List.of(
                    Map.of(
                        "gateway",
                        GATEWAY.getAddress(),
                        "inferenceShare",
                        ASSIGNED,
                        "slotTasks",
                        TASKS))));
    assertThat(new CoordinatorResource(ap).applyShare(AP, push).getStatus()).isEqualTo(200);

    // the lie: twice the share, or the share over one task instead of two
    Response larger = offload(1, slot, 2 * ASSIGNED, TASKS);
    Response fewer = offload(1, slot, ASSIGNED, 1);
    assertThat(larger.getStatus()).isEqualTo(403);
    assertThat(reason(larger)).isEqualTo("SHARE_MISMATCH");
    assertThat(fewer.getStatus()).isEqualTo(403);
    assertThat(reason(fewer)).isEqualTo("SLOT_TASKS_MISMATCH");
    // a task refused is not served, so no receipt for it is co-signed
    long lie = ap.parameters().receiptFlops(2 * ASSIGNED, TASKS);
    assertThatThrownBy(() -> ap.receipts().accept(receipt(1, slot, lie)))
        .hasMessageContaining("served no task");

    // the honest claims pass; a receipt inflating a served task's credit is refused with its reason
    assertThat(offload(2, slot, ASSIGNED, TASKS).getStatus()).isEqualTo(200);
    assertThat(offload(3, slot, ASSIGNED, TASKS).getStatus()).isEqualTo(200);
    assertThat(reason(offload(4, slot, ASSIGNED, TASKS))).isEqualTo("TOO_MANY_TASKS");
    assertThatThrownBy(() -> ap.receipts().accept(receipt(2, slot, lie)))
        .isInstanceOfSatisfying(
            ReceiptBook.Mismatch.class,
            e -> assertThat(e.reason()).isEqualTo(ShareClaims.Reason.RECEIPT_SHARE_MISMATCH));
    long honest = ap.parameters().receiptFlops(ASSIGNED, TASKS);
    assertThatThrownBy(() -> ap.receipts().accept(receipt(2, slot + 1, honest)))
        .isInstanceOfSatisfying(
            ReceiptBook.Mismatch.class,
            e -> assertThat(e.reason()).isEqualTo(ShareClaims.Reason.RECEIPT_SLOT_MISMATCH));
    ap.receipts().accept(receipt(2, slot, honest));
    ap.receipts().accept(receipt(3, slot, honest));

    assertThat(ap.chain().submit(ap.receipts(), 20)).isEqualTo(2);
    ReputationLedger.AccessPoint credited = onLedger();
    assertThat(credited.openSlot.longValueExact()).isEqualTo(slot);
    // the two tasks split the assigned share: f^I phi_A tau over the slot, the lie added nothing
    assertThat(credited.openSlotFlops).isEqualTo(BigInteger.valueOf(2 * honest));
    assertThat(metrics.scrape())
        .contains("bdt_ap_share_claims_refused_total{reason=\"share-mismatch\",} 1.0")
        .contains("bdt_ap_share_claims_refused_total{reason=\"slot-tasks-mismatch\",} 1.0")
        .contains("bdt_ap_share_claims_refused_total{reason=\"too-many-tasks\",} 1.0");
  }
}
