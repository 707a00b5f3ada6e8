package io.bdt.ap.trust;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bdt.ap.chain.NetworkContracts;
import io.bdt.ap.chain.PlatformChain;
import io.bdt.ap.chain.TestPlatformKeys;
import io.bdt.ap.offload.OffloadLaneTest;
import io.bdt.contracts.gateway.GatewayRequestProof;
import io.bdt.contracts.receipt.ServiceReceipt;
import io.bdt.dnn.vibration.MachineState;
import io.bdt.dnn.vibration.VibrationGenerator;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.math.BigInteger;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;
import org.web3j.utils.Numeric;

/**
 * The AP service over HTTP with its own chain node and the platform's ReputationLedger deployed on
 * it (gateway 0 approved): offloads, mining-share decisions and receipts are taken only from
 * registered gateways proven per request; {@code /status} from readers with a token or gateways.
 * Every refusal is answered 401/403 and counted by reason.
 */
@QuarkusTest
@QuarkusTestResource(value = ApUnderTest.class, restrictToAnnotatedClass = true)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class GatewayTrustTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Credentials GATEWAY = TestPlatformKeys.gateway(0);
  private static final String AP = TestPlatformKeys.ap(0).getAddress();
  private static volatile boolean deployed;
  private static byte[] frame;
  private static volatile long servedSlot = -1;

  @TestHTTPResource URL url;

  @BeforeAll
  static void deployLedger() throws Exception {
    if (!deployed) {
      Web3j web3j = Web3j.build(new HttpService("http://127.0.0.1:" + ApUnderTest.rpcPort));
      try {
        NetworkContracts.deployPlatform(web3j, TestPlatformKeys.of(1, 1), System.out);
      } finally {
        web3j.shutdown();
      }
      deployed = true;
    }
    frame =
        OffloadLaneTest.headFrame(
            OffloadLaneTest.CUT, new VibrationGenerator(7).next(MachineState.NORMAL).samples());
  }

  /** The slot now on the ledger's clock: the AP takes offloads only for slots it takes receipts. */
  static long slotNow() {
    return PlatformChain.slotClock(PlatformChain.genesis(TestPlatformKeys.of(1, 1)))
        .slotAt(java.time.Clock.systemUTC());
  }

  private URI at(String path) {
    return URI.create(url.toString().replaceAll("/$", "") + path);
  }

  /** Proof headers of {@code gateway} for a request, signed for {@code audience}. */
  private static Map<String, String> proof(
      Credentials gateway, String method, String path, String audience, byte[] body, long at) {
    return GatewayRequestProof.of(method, path, audience, body, at).headers(gateway.getEcKeyPair());
  }

  private HttpResponse<String> post(String path, byte[] body, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(at(path))
            .header(
                "Content-Type",
                path.equals("/offload") ? "application/vnd.bdt.frame" : "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(r::setHeader);
    return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> offload(Map<String, String> proof, String miningShare)
      throws Exception {
    return offload(frame, proof, miningShare);
  }

  private HttpResponse<String> offload(byte[] frame, Map<String, String> proof, String miningShare)
      throws Exception {
    Map<String, String> h = new java.util.HashMap<>(proof);
    h.put("X-Bdt-Task-Id", "0x" + "00".repeat(31) + "01");
    long slot = slotNow();
    h.put("X-Bdt-Slot", Long.toString(slot));
    h.put("X-Bdt-Inference-Share", "1.0e10");
    h.put("X-Bdt-Mining-Share", miningShare);
    HttpResponse<String> r = post("/offload", frame, h);
    if (r.statusCode() == 200 && servedSlot < 0) {
      servedSlot = slot; // the AP records the task's first serving, its receipt names that slot
    }
    return r;
  }

  private HttpResponse<String> get(String path, Map<String, String> headers) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(at(path)).GET();
    headers.forEach(r::setHeader);
    return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String reader() {
    return "Bearer "
        + ApUnderTest.token(ApUnderTest.tokenKeys, Instant.now().plusSeconds(3600), "twin-reader");
  }

  private JsonNode status() throws Exception {
    HttpResponse<String> r = get("/status", Map.of("Authorization", reader()));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  @Test
  void corsIsOffByDefault() throws Exception {
    HttpResponse<String> r =
        get("/status", Map.of("Authorization", reader(), "Origin", "https://console.example"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
  }

  private double refused(String reason) throws Exception {
    return counted("bdt_ap_gateway_requests_refused_total", reason);
  }

  /** The value of counter {@code name} with tag {@code reason}, from {@code /q/metrics}. */
  private double counted(String name, String reason) throws Exception {
    HttpResponse<String> r =
        get(
            "/q/metrics",
            Map.of(
                "Authorization",
                "Bearer "
                    + ApUnderTest.token(
                        ApUnderTest.tokenKeys, Instant.now().plusSeconds(3600), "metrics-reader")));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    String metrics = r.body();
    for (String line : metrics.split("\n")) {
      if (line.startsWith(name + "{reason=\"" + reason + "\"}")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    throw new AssertionError("no counter " + name + " for " + reason);
  }

  private static long now() {
    return System.currentTimeMillis();
  }

  @Test
  void aRegisteredGatewaysSignedOffloadIsServedAndItsMiningShareIsTaken() throws Exception {
    HttpResponse<String> r =
        offload(proof(GATEWAY, "POST", "/offload", AP, frame, now()), "1.0e10");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(JSON.readTree(r.body()).path("label").asText()).isNotEmpty();
    assertThat(status().path("miningShareInForce").asDouble()).isEqualTo(1.0e10);
  }

  @Test
  void aMadeUpGatewayHeaderWithMiningShareOneIsRefusedAndChangesNothing() throws Exception {
    long changes = status().path("miningShareChanges").asLong();
    double before = refused("missing-proof");

    HttpResponse<String> r =
        offload(Map.of("X-Bdt-Gateway", "0x00000000000000000000000000000000000000e2"), "1");

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.body()).contains("X-Bdt-Signature");
    assertThat(status().path("miningShareChanges").asLong()).isEqualTo(changes);
    assertThat(refused("missing-proof")).isEqualTo(before + 1);
  }

  @Test
  void aSignatureByAnotherKeyThanTheNamedGatewayIsRefused() throws Exception {
    double before = refused("bad-signature");
    Map<String, String> forged =
        new java.util.HashMap<>(
            proof(TestPlatformKeys.gateway(9), "POST", "/offload", AP, frame, now()));
    forged.put("X-Bdt-Gateway", GATEWAY.getAddress()); // claims the registered gateway

    HttpResponse<String> r = offload(forged, "1");

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(refused("bad-signature")).isEqualTo(before + 1);
  }

  @Test
  void aBodyOtherThanTheSignedOneIsRefused() throws Exception {
    byte[] other = frame.clone();
    other[other.length - 1] ^= 1;
    HttpResponse<String> r =
        post(
            "/offload",
            other,
            proof(GATEWAY, "POST", "/offload", AP, frame, now())); // signed for `frame`

    assertThat(r.statusCode()).isEqualTo(401);
  }

  @Test
  void aRequestSignedForAnotherApIsRefused() throws Exception {
    String otherAp = TestPlatformKeys.ap(1).getAddress();
    HttpResponse<String> r =
        offload(proof(GATEWAY, "POST", "/offload", otherAp, frame, now()), "1.0e10");

    assertThat(r.statusCode()).isEqualTo(401);
  }

  @Test
  void anUnregisteredGatewayWithAValidSignatureGets403() throws Exception {
    double before = refused("unregistered-gateway");
    Credentials stranger = TestPlatformKeys.gateway(5);

    HttpResponse<String> r = offload(proof(stranger, "POST", "/offload", AP, frame, now()), "1");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
    assertThat(r.body()).contains("not a gateway registered on chain");
    assertThat(refused("unregistered-gateway")).isEqualTo(before + 1);
  }

  @Test
  void aReplayedRequestIsRefused() throws Exception {
    Map<String, String> once = proof(GATEWAY, "POST", "/offload", AP, frame, now());
    assertThat(offload(once, "1.0e10").statusCode()).isEqualTo(200);
    double before = refused("replayed");

    HttpResponse<String> again = offload(once, "1");

    assertThat(again.statusCode()).isEqualTo(401);
    assertThat(again.body()).contains("already used");
    assertThat(refused("replayed")).isEqualTo(before + 1);
  }

  @Test
  void aTimestampOutsideTheWindowIsRefused() throws Exception {
    double before = refused("stale-timestamp");
    long old = now() - Duration.ofMinutes(2).toMillis();

    HttpResponse<String> r = offload(proof(GATEWAY, "POST", "/offload", AP, frame, old), "1");

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(refused("stale-timestamp")).isEqualTo(before + 1);
  }

  @Test
  void receiptsNeedTheGatewaysProofAndMustBeItsOwn() throws Exception {
    // the AP co-signs receipts only for tasks it served: serve task 1 for the gateway first
    HttpResponse<String> served =
        offload(proof(GATEWAY, "POST", "/offload", AP, frame, now()), "1.0e10");
    assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
    // the receipt credits the AP with the task's share of the slot (X-Bdt-Inference-Share 1e10 Hz,
    // one task): f^I phi_A tau FLOPs, the ledger's unit for x_m = sum f^I / F_m
    String flops = Long.toString(PlatformChain.PARAMETERS.receiptFlops(1.0e10, 1));
    long slot = servedSlot;
    byte[] taskId = Numeric.toBytesPadded(BigInteger.ONE, 32);
    Credentials signer = TestPlatformKeys.gateway(0);
    ServiceReceipt receipt =
        new ServiceReceipt(taskId, AP, signer.getAddress(), new BigInteger(flops), 2_000, slot);
    byte[] body =
        JSON.writeValueAsBytes(
            Map.of(
                "taskId",
                Numeric.toHexString(taskId),
                "ap",
                AP,
                "flopsServed",
                flops,
                "latencyMicros",
                2_000,
                "slot",
                slot,
                "gateway",
                signer.getAddress(),
                "signature",
                Numeric.toHexString(
                    receipt.sign(
                        PlatformChain.CHAIN_ID,
                        PlatformChain.ledgerAddress(TestPlatformKeys.of(0, 0)),
                        signer.getEcKeyPair()))));

    assertThat(post("/receipts", body, Map.of()).statusCode()).isEqualTo(401);
    HttpResponse<String> accepted =
        post("/receipts", body, proof(GATEWAY, "POST", "/receipts", AP, body, now()));
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    // a receipt that is not the proven gateway's own: refused even with a valid proof
    String someoneElses =
        new String(body, StandardCharsets.UTF_8)
            .replace(signer.getAddress(), TestPlatformKeys.gateway(3).getAddress());
    byte[] other = someoneElses.getBytes(StandardCharsets.UTF_8);
    assertThat(
            post("/receipts", other, proof(GATEWAY, "POST", "/receipts", AP, other, now()))
                .statusCode())
        .isEqualTo(403);
  }

  @Test
  void statusNeedsAReaderTokenOrAGatewaysSignature() throws Exception {
    assertThat(get("/status", Map.of()).statusCode()).isEqualTo(401);
    assertThat(get("/status", Map.of("Authorization", reader())).statusCode()).isEqualTo(200);
    String deviceAdmin =
        ApUnderTest.token(ApUnderTest.tokenKeys, Instant.now().plusSeconds(3600), "device-admin");
    assertThat(get("/status", Map.of("Authorization", "Bearer " + deviceAdmin)).statusCode())
        .isEqualTo(403);
    String expired =
        ApUnderTest.token(ApUnderTest.tokenKeys, Instant.now().minusSeconds(600), "operator");
    assertThat(get("/status", Map.of("Authorization", "Bearer " + expired)).statusCode())
        .isEqualTo(401);
    String forged =
        ApUnderTest.token(ApUnderTest.rsa(), Instant.now().plusSeconds(3600), "operator");
    assertThat(get("/status", Map.of("Authorization", "Bearer " + forged)).statusCode())
        .isEqualTo(401);
    HttpResponse<String> gateway =
        get("/status", proof(GATEWAY, "GET", "/status", "", new byte[0], now()));
    assertThat(gateway.statusCode()).as(gateway.body()).isEqualTo(200);
    assertThat(JSON.readTree(gateway.body()).path("ap").asText()).isEqualToIgnoringCase(AP);
  }

  @Test
  void openApiShowsTheBearerAndGatewaySignatureSchemes() throws Exception {
    String api = get("/q/openapi", Map.of()).body();
    assertThat(api).contains("bearerFormat: JWT").contains("gatewaySignature");
  }

  private double offloadsRefused(String reason) throws Exception {
    return counted("bdt_ap_offloads_refused_total", reason);
  }

  @Test
  void aFrameOfAnotherSeedOrAnUnknownModelIsRefusedWithItsReasonAndCounted() throws Exception {
    // the AP registers the zoo's vibration classifier (seed 1); this gateway trained seed 7
    var seed7 = io.bdt.dnn.vibration.VibrationModel.train(7).toOnnx();
    float[] window = new VibrationGenerator(7).next(MachineState.NORMAL).samples();
    byte[] mismatched = OffloadLaneTest.headFrame(seed7, OffloadLaneTest.CUT, window);
    double before = offloadsRefused("MODEL_MISMATCH");

    HttpResponse<String> r =
        offload(mismatched, proof(GATEWAY, "POST", "/offload", AP, mismatched, now()), "1.0e10");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.path("reason").asText()).isEqualTo("MODEL_MISMATCH");
    assertThat(body.path("error").asText())
        .contains(io.bdt.dnn.codec.ModelHash.of(seed7).toString())
        .contains(OffloadLaneTest.VIBRATION.shortHex());
    assertThat(offloadsRefused("MODEL_MISMATCH")).isEqualTo(before + 1);

    var other = seed7.toBuilder().setGraph(seed7.getGraph().toBuilder().setName("pump")).build();
    byte[] unknown = OffloadLaneTest.headFrame(other, 0, window);
    r = offload(unknown, proof(GATEWAY, "POST", "/offload", AP, unknown, now()), "1.0e10");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    assertThat(JSON.readTree(r.body()).path("reason").asText()).isEqualTo("UNKNOWN_MODEL");
    assertThat(offloadsRefused("UNKNOWN_MODEL")).isGreaterThanOrEqualTo(1);
  }
}
