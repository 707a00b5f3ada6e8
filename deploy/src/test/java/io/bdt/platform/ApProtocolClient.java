package io.bdt.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.bdt.ap.chain.PlatformChain;
import io.bdt.contracts.gateway.GatewayRequestProof;
import io.bdt.contracts.receipt.ServiceReceipt;
import io.bdt.dnn.vibration.HeadFrame;
import io.bdt.dnn.vibration.MachineState;
import io.bdt.dnn.vibration.VibrationGenerator;
import io.bdt.dnn.zoo.ModelZoo;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.web3j.crypto.Credentials;
import org.web3j.utils.Numeric;

/**
 * Gateway 0's part on the AP protocol against AP 0 of a running {@link Platform}, for the end to
 * end tests: the head of the real vibration model (cut {@link #CUT}) run in ONNX Runtime and sent
 * as a codec frame, a slot it assigns itself as the coordinator would, signed offloads and signed
 * receipts.
 */
final class ApProtocolClient {
  static final int CUT = 5;

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = PlatformProbe.JSON;

  private final Platform platform;
  private final PlatformProbe probe;

  ApProtocolClient(Platform platform, PlatformProbe probe) {
    this.platform = platform;
    this.probe = probe;
  }

  /** The codec frame of the vibration model's head (cut {@link #CUT}) run on {@code window}. */
  static byte[] headFrame(float[] window) throws Exception {
    return HeadFrame.encode(ModelZoo.named("vibration").build(), CUT, window);
  }

  /** The slot now on the ledger's clock (chain time), as the gateways number them. */
  long ledgerSlotNow() throws Exception {
    return io.bdt.contracts.reputation.SlotClock.read(
            org.web3j.protocol.Web3j.build(
                new org.web3j.protocol.http.HttpService("http://127.0.0.1:" + platform.rpcPort(1))),
            platform.contracts().reputationLedger())
        .slotAt(java.time.Clock.systemUTC());
  }

  /** Tasks the test's own slot assigns gateway 0 at AP 0, and the share they split, Hz. */
  static final int TEST_SLOT_TASKS = 2;

  static final double TEST_SHARE = 1.0e10;

  /** The FLOPs each of those tasks credits AP 0 with. */
  static final long TEST_TASK_FLOPS =
      PlatformChain.PARAMETERS.receiptFlops(TEST_SHARE, TEST_SLOT_TASKS);

  /**
   * A slot for the test's own tasks as gateway 0: two ahead of the ledger's clock (the most a
   * receipt may lead), so the running coordinator has not decided it yet and {@link #serveAtAp0}
   * can decide it for AP 0 (an AP checks every offload against its slot's assignment).
   */
  long testSlot() throws Exception {
    return ledgerSlotNow() + PlatformChain.RECEIPT_LEAD_SLOTS;
  }

  /**
   * Acts as the slot coordinator for {@code slot} at AP 0, signed with AP 0's key as the
   * coordinating AP does: gateway 0 gets {@link #TEST_SHARE} for {@link #TEST_SLOT_TASKS} tasks; AP
   * 0's mining share stays the one it runs with. (The running coordinator's own decision of the
   * slot, later, replaces it; gateway 0's own tasks of that slot then find it taken and run
   * locally.)
   */
  void assignAtAp0(long slot) throws Exception {
    String ap0 = platform.apProcesses().getFirst().baseUrl();
    double mining = JSON.readTree(probe.get(ap0 + "/status")).path("miningShare").asDouble();
    byte[] push =
        JSON.writeValueAsBytes(
            Map.of(
                "slot",
                slot,
                "miningShareHz",
                mining,
                "gateways",
                List.of(
                    Map.of(
                        "gateway",
                        platform.keys().gateway(0).getAddress(),
                        "inferenceShare",
                        TEST_SHARE,
                        "slotTasks",
                        TEST_SLOT_TASKS))));
    HttpResponse<String> taken =
        platform
            .http()
            .send(
                signed(
                        HttpRequest.newBuilder(URI.create(ap0 + "/coordinator/mining-share"))
                            .header("Content-Type", "application/json"),
                        platform.keys().ap(0),
                        "/coordinator/mining-share",
                        push)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(taken.statusCode()).as(taken.body()).isEqualTo(200);
  }

  /**
   * Offloads task {@code taskId} of {@code slot} (a {@link #testSlot}) to AP 0 as gateway 0, after
   * assigning it there; the AP's answer (200).
   */
  JsonNode serveAtAp0(byte[] taskId, long slot, VibrationGenerator generator) throws Exception {
    assignAtAp0(slot);
    HttpResponse<String> served =
        platform
            .http()
            .send(
                signed(
                        HttpRequest.newBuilder(
                                URI.create(
                                    platform.apProcesses().getFirst().baseUrl() + "/offload"))
                            .header("Content-Type", "application/vnd.bdt.frame")
                            .header("X-Bdt-Task-Id", Numeric.toHexString(taskId))
                            .header("X-Bdt-Slot", Long.toString(slot))
                            .header("X-Bdt-Slot-Tasks", Integer.toString(TEST_SLOT_TASKS))
                            .header("X-Bdt-Inference-Share", Double.toString(TEST_SHARE)),
                        platform.keys().gateway(0),
                        "/offload",
                        headFrame(generator.next(MachineState.BEARING_FAULT).samples()))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
    return JSON.readTree(served.body());
  }

  /** Gateway 0's signed receipt for task {@code taskId} served by AP 0, posted to AP 0. */
  HttpResponse<String> receiptToAp0(byte[] taskId, long flops, long slot) throws Exception {
    String apAddress = platform.keys().ap(0).getAddress();
    String gateway = platform.keys().gateway(0).getAddress();
    ServiceReceipt receipt =
        new ServiceReceipt(taskId, apAddress, gateway, BigInteger.valueOf(flops), 2_000, slot);
    byte[] signature =
        receipt.sign(
            PlatformChain.CHAIN_ID,
            platform.contracts().reputationLedger(),
            platform.keys().gateway(0).getEcKeyPair());
    String body =
        JSON.writeValueAsString(
            Map.of(
                "taskId",
                Numeric.toHexString(taskId),
                "ap",
                apAddress,
                "flopsServed",
                receipt.flopsServed().toString(),
                "latencyMicros",
                2_000,
                "slot",
                slot,
                "gateway",
                gateway,
                "signature",
                Numeric.toHexString(signature)));
    return platform
        .http()
        .send(
            signed(
                    HttpRequest.newBuilder(
                            URI.create(platform.apProcesses().getFirst().baseUrl() + "/receipts"))
                        .header("Content-Type", "application/json"),
                    platform.keys().gateway(0),
                    "/receipts",
                    body.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  /**
   * {@code request} with {@code body} as POST, carrying {@code gateway}'s proof for AP 0
   * (docs/security.md, "Gateway-to-AP proof").
   */
  HttpRequest.Builder signed(
      HttpRequest.Builder request, Credentials gateway, String path, byte[] body) {
    GatewayRequestProof.of(
            "POST", path, platform.keys().ap(0).getAddress(), body, System.currentTimeMillis())
        .headers(gateway.getEcKeyPair())
        .forEach(request::setHeader);
    return request.POST(HttpRequest.BodyPublishers.ofByteArray(body));
  }

  /** One offload to AP 0 with the given share headers, signed by {@code gateway}. */
  HttpResponse<String> offloadToAp0(Credentials gateway, String inferenceShare, String miningShare)
      throws Exception {
    return platform
        .http()
        .send(
            signed(
                    HttpRequest.newBuilder(
                            URI.create(platform.apProcesses().getFirst().baseUrl() + "/offload"))
                        .header("Content-Type", "application/vnd.bdt.frame")
                        .header("X-Bdt-Task-Id", Numeric.toHexString(new byte[32]))
                        .header("X-Bdt-Slot", "1")
                        .header("X-Bdt-Inference-Share", inferenceShare)
                        .header("X-Bdt-Mining-Share", miningShare),
                    gateway,
                    "/offload",
                    headFrame(new VibrationGenerator(5).next(MachineState.NORMAL).samples()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
