package io.bdt.platform;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bdt.ap.chain.PlatformChain;
import io.bdt.contracts.gateway.GatewayRequestProof;
import io.bdt.contracts.generated.ReputationLedger;
import io.bdt.contracts.receipt.ServiceReceipt;
import io.bdt.dnn.codec.Frame;
import io.bdt.dnn.codec.FrameCodec;
import io.bdt.dnn.codec.Tensor;
import io.bdt.dnn.graph.GraphAnalyzer;
import io.bdt.dnn.split.ModelSplitter;
import io.bdt.dnn.split.SplitModel;
import io.bdt.dnn.vibration.MachineState;
import io.bdt.dnn.vibration.VibrationGenerator;
import io.bdt.dnn.vibration.VibrationModel;
import io.bdt.dnn.zoo.ModelZoo;
import java.io.OutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.gas.StaticGasProvider;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;
import org.web3j.utils.Numeric;

/**
 * The platform end to end: three AP services (real Quarkus processes) whose nodes form one chain,
 * the contracts on it, the embedded MQTT broker and the sensor fleet. A test client plays the
 * gateway's part on the AP protocol (head of the real vibration model in ONNX Runtime, codec frame,
 * signed receipt).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PlatformIT {
  static final ObjectMapper JSON = new ObjectMapper();

  /**
   * For the chain's JSON-RPC (plain HTTP on loopback); the services' HTTPS goes through {@code
   * platform.http()}.
   */
  static final HttpClient RPC = HttpClient.newHttpClient();

  static final int CUT = 5;

  /** A gateway key the platform does not know (until two admins approve it, test 2). */
  static final Credentials OUTSIDER = io.bdt.consensus.keys.KeyFile.generate();

  static Platform platform;
  static Path work;
  static KafkaBroker kafka;
  static String kafkaServers;

  @BeforeAll
  static void start() throws Exception {
    Path root = Path.of("").toAbsolutePath().getParent();
    // Logback must be the SLF4J provider before Kafka logs (the platform's broker needs it)
    System.setProperty("slf4j.provider", "ch.qos.logback.classic.spi.LogbackServiceProvider");
    work = Files.createTempDirectory("bdt-platform-it-");
    // the platform's own embedded Kafka, as ./bdt platform starts it by default
    kafka = new KafkaBroker();
    kafkaServers = kafka.bootstrapServers();
    platform =
        new Platform(
            new Platform.Settings(
                root,
                work,
                3,
                2,
                4,
                Optional.empty(),
                Optional.of(kafkaServers),
                0, // free ports: two runs on one machine do not collide
                1000,
                5e6,
                Map.of("vib-2", "bearing_fault"),
                Platform.NO_PLAIN_MQTT),
            new PrintStream(OutputStream.nullOutputStream()));
    platform.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (platform != null) {
      platform.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  static void await(String what, Duration limit, BooleanSupplier done) throws Exception {
    long end = System.nanoTime() + limit.toNanos();
    while (!done.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(end);
      Thread.sleep(200);
    }
  }

  static JsonNode rpc(int port, String method, Object... params) throws Exception {
    String body =
        JSON.writeValueAsString(
            Map.of("jsonrpc", "2.0", "id", 1, "method", method, "params", params));
    HttpResponse<String> r =
        RPC.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body()).path("result");
  }

  static byte[] headFrame(float[] window) throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    var model = ModelZoo.named("vibration").build();
    SplitModel split = ModelSplitter.split(GraphAnalyzer.analyze(model, Map.of()), CUT);
    try (OrtSession head = env.createSession(split.head().toByteArray());
        OnnxTensor in =
            OnnxTensor.createTensor(env, FloatBuffer.wrap(window), new long[] {1, window.length});
        OrtSession.Result r = head.run(Map.of(VibrationModel.INPUT, in))) {
      OnnxTensor out = (OnnxTensor) r.get(0);
      FloatBuffer b = out.getFloatBuffer();
      float[] values = new float[b.remaining()];
      b.get(values);
      long[] shape = out.getInfo().getShape();
      return FrameCodec.encode(
          new Frame(
              "vibration",
              io.bdt.dnn.codec.ModelHash.of(model),
              CUT,
              List.of(
                  Tensor.of(
                      split.cut().tensorNames().getFirst(),
                      new int[] {(int) shape[0], (int) shape[1]},
                      values))));
    }
  }

  @Test
  @Order(1)
  void threeApNodesAgreeOnOneChain() throws Exception {
    await(
        "three nodes past block 5 with the same block 5",
        Duration.ofSeconds(60),
        () -> {
          try {
            String h0 =
                rpc(platform.rpcPort(0), "eth_getBlockByNumber", "0x5", false)
                    .path("hash")
                    .asText();
            String h1 =
                rpc(platform.rpcPort(1), "eth_getBlockByNumber", "0x5", false)
                    .path("hash")
                    .asText();
            String h2 =
                rpc(platform.rpcPort(2), "eth_getBlockByNumber", "0x5", false)
                    .path("hash")
                    .asText();
            return !h0.isEmpty() && !h0.equals("null") && h0.equals(h1) && h1.equals(h2);
          } catch (Exception e) {
            return false;
          }
        });
    JsonNode miners = rpc(platform.rpcPort(1), "bdt_miners");
    assertThat(miners).hasSize(3);
  }

  @Test
  @Order(2)
  void servedBearingFaultIsClassifiedAndTheServingApsReputationRisesOnChain() throws Exception {
    String apAddress = platform.keys().ap(0).getAddress();
    double before =
        rpc(platform.rpcPort(1), "bdt_reputation", apAddress).path("reputation").asDouble();
    VibrationGenerator generator = new VibrationGenerator(42);
    // slots on the ledger's clock (chain time), as the gateways number them
    long now = ledgerSlotNow();
    for (long slot = now; slot <= now + 1; slot++) {
      byte[] taskId = Numeric.toBytesPadded(BigInteger.valueOf(1000 + slot), 32);
      JsonNode result = serveAtAp0(taskId, slot, generator);
      assertThat(result.path("label").asText()).isEqualTo("bearing_fault");
      // the receipt credits the AP with the task's share of the slot, f^I * phi_A * tau (x_m is
      // sum f^I / F_m on the ledger)
      HttpResponse<String> accepted =
          receiptToAp0(taskId, PlatformChain.PARAMETERS.receiptFlops(1.0e10, 1), slot);
      assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    }
    // read on another AP's node: the reputation is what the chain agreed on
    await(
        "AP 0's reputation to rise on AP 1's node",
        Duration.ofSeconds(60),
        () -> {
          try {
            return rpc(platform.rpcPort(1), "bdt_reputation", apAddress)
                    .path("reputation")
                    .asDouble()
                > before;
          } catch (Exception e) {
            return false;
          }
        });
  }

  @Test
  @Order(2)
  void theLedgerAndTheApsRunOnTheGenesisParameterSet() throws Exception {
    io.bdt.parameters.ChainParameters genesis =
        io.bdt.parameters.ChainParameters.readGenesis(work.resolve("genesis.json"));
    Web3j web3j = Web3j.build(new HttpService("http://127.0.0.1:" + platform.rpcPort(2)));
    try {
      ReputationLedger ledger =
          ReputationLedger.load(
              platform.contracts().reputationLedger(),
              web3j,
              new org.web3j.tx.ReadonlyTransactionManager(
                  web3j, platform.keys().gateway(0).getAddress()),
              new org.web3j.tx.gas.DefaultGasProvider());
      assertThat(new java.math.BigDecimal(ledger.omega().send()).movePointLeft(18).doubleValue())
          .isEqualTo(genesis.omega());
      assertThat(ledger.slotSeconds().send().longValueExact())
          .isEqualTo((long) genesis.slotSeconds());
      for (int m = 0; m < platform.apProcesses().size(); m++) {
        assertThat(
                ledger
                    .accessPoint(platform.keys().ap(m).getAddress())
                    .send()
                    .capacityFlopsPerSlot
                    .longValueExact())
            .as("AP %d's capacity on the ledger", m)
            .isEqualTo(genesis.ledgerCapacityFlops());
        assertThat(
                JSON.readTree(get(platform.apProcesses().get(m).baseUrl() + "/status"))
                    .path("budget")
                    .asDouble())
            .isEqualTo(genesis.apBudgetHz());
      }
    } finally {
      web3j.shutdown();
    }
  }

  /** The slot now on the ledger's clock (chain time), as the gateways number them. */
  static long ledgerSlotNow() throws Exception {
    return io.bdt.contracts.reputation.SlotClock.read(
            org.web3j.protocol.Web3j.build(
                new org.web3j.protocol.http.HttpService("http://127.0.0.1:" + platform.rpcPort(1))),
            platform.contracts().reputationLedger())
        .slotAt(java.time.Clock.systemUTC());
  }

  /** Offloads task {@code taskId} of {@code slot} to AP 0 as gateway 0; the AP's answer (200). */
  static JsonNode serveAtAp0(byte[] taskId, long slot, VibrationGenerator generator)
      throws Exception {
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
                            .header("X-Bdt-Inference-Share", "1.0e10")
                            .header("X-Bdt-Mining-Share", "1.0e10"),
                        platform.keys().gateway(0),
                        "/offload",
                        headFrame(generator.next(MachineState.BEARING_FAULT).samples()))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
    return JSON.readTree(served.body());
  }

  /** Gateway 0's signed receipt for task {@code taskId} served by AP 0, posted to AP 0. */
  static HttpResponse<String> receiptToAp0(byte[] taskId, long flops, long slot) throws Exception {
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
  static HttpRequest.Builder signed(
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

  @Test
  @Order(2)
  void aMadeUpGatewayCannotThrottleMiningAndAnUnregisteredOneIsRefusedUntilApproved()
      throws Exception {
    String ap0 = platform.apProcesses().getFirst().baseUrl();
    // the attack of issue 11: a made-up X-Bdt-Gateway with X-Bdt-Mining-Share 1, unsigned
    HttpResponse<String> madeUp =
        platform
            .http()
            .send(
                HttpRequest.newBuilder(URI.create(ap0 + "/offload"))
                    .header("Content-Type", "application/vnd.bdt.frame")
                    .header("X-Bdt-Gateway", "0x00000000000000000000000000000000000000e2")
                    .header("X-Bdt-Slot", "1")
                    .header("X-Bdt-Mining-Share", "1")
                    .POST(
                        HttpRequest.BodyPublishers.ofByteArray(
                            headFrame(
                                new VibrationGenerator(5).next(MachineState.NORMAL).samples())))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(madeUp.statusCode()).as(madeUp.body()).isEqualTo(401);
    // a correctly signed request from a key the ledger does not know
    Credentials outsider = OUTSIDER;
    HttpResponse<String> unregistered = offloadToAp0(outsider, "1.0e10", "1");
    assertThat(unregistered.statusCode()).as(unregistered.body()).isEqualTo(403);
    // had either been taken, 1 Hz would be in force (without a live joint decision the smallest
    // gateway decision wins); the coordinator's decisions keep changing the share, so its value is
    // what is checked
    JsonNode status = JSON.readTree(get(ap0 + "/status"));
    assertThat(status.path("miningShareInForce").asDouble()).isNotEqualTo(1.0);
    assertThat(get(ap0 + "/q/metrics"))
        .contains("bdt_ap_gateway_requests_refused_total{reason=\"missing-proof\"}")
        .contains("bdt_ap_gateway_requests_refused_total{reason=\"unregistered-gateway\"}");
    // two of the three admins approve it on chain: from then on (within 5 s) it is served
    Web3j web3j = Web3j.build(new HttpService("http://127.0.0.1:" + platform.rpcPort(0)));
    try {
      for (Credentials admin : platform.keys().admins().subList(0, 2)) {
        ReputationLedger.load(
                platform.contracts().reputationLedger(),
                web3j,
                new RawTransactionManager(
                    web3j,
                    admin,
                    PlatformChain.CHAIN_ID,
                    new PollingTransactionReceiptProcessor(web3j, 100, 600)),
                new StaticGasProvider(
                    BigInteger.valueOf(3_000_000_000L), BigInteger.valueOf(8_000_000)))
            .approveGateway(outsider.getAddress())
            .send();
      }
    } finally {
      web3j.shutdown();
    }
    await(
        "the newly approved gateway to be served",
        Duration.ofSeconds(30),
        () -> {
          try {
            return offloadToAp0(outsider, "1.0e10", "1.0e10").statusCode() == 200;
          } catch (Exception e) {
            return false;
          }
        });
  }

  @Test
  @Order(3)
  void everyApMinesWithItsShareOfTheCoordinatorsJointDecisionAndBadSharesAreRefused()
      throws Exception {
    // the gateways post their demands to AP 0, which decides each slot for all of them and sets
    // every AP's mining share from the same decision
    for (ServiceProcess ap : platform.apProcesses()) {
      await(
          ap.name() + " to mine with the coordinator's share",
          Duration.ofSeconds(60),
          () -> {
            try {
              JsonNode s = JSON.readTree(get(ap.baseUrl() + "/status"));
              return s.path("miningShareSource").asText().equals("coordinator")
                  && s.path("miningShareChanges").asLong() > 0;
            } catch (Exception e) {
              return false;
            }
          });
    }
    String ap0 = platform.apProcesses().getFirst().baseUrl();
    String metrics = get(ap0 + "/q/metrics");
    assertThat(counter(metrics, "bdt_ap_coordinator_slots_total")).isPositive();
    assertThat(counter(metrics, "bdt_ap_coordinator_demands_decided_total"))
        .isGreaterThan(counter(metrics, "bdt_ap_coordinator_slots_total")); // 2 gateways per slot
    for (ServiceProcess gateway : platform.gatewayProcesses()) {
      assertThat(
              counter(
                  get(gateway.baseUrl() + "/q/metrics"),
                  "bdt_dpra_decisions_total{source=\"coordinator\"}"))
          .as(gateway.name() + "'s slots decided by the coordinator")
          .isPositive();
    }

    JsonNode status = JSON.readTree(get(ap0 + "/status"));
    long rejectedBefore = status.path("shareHeadersRejected").asLong();
    HttpResponse<String> bad = offloadToAp0(OUTSIDER, "1.0e10", "NaN");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(bad.body()).path("error").asText()).startsWith("X-Bdt-Mining-Share:");
    assertThat(JSON.readTree(get(ap0 + "/status")).path("shareHeadersRejected").asLong())
        .isEqualTo(rejectedBefore + 1);
    assertThat(get(ap0 + "/q/metrics")).contains("bdt_ap_mining_share_changes_total");
  }

  @Test
  @Order(10)
  void whenTheCoordinatingApStopsTheNextApDecidesTheSlots() throws Exception {
    ServiceProcess ap0 = platform.apProcesses().getFirst();
    String ap1 = platform.apProcesses().get(1).baseUrl();
    double before = counter(get(ap1 + "/q/metrics"), "bdt_ap_coordinator_slots_total");
    ap0.close();
    try {
      await(
          "AP 1 to decide 3 slots",
          Duration.ofSeconds(60),
          () -> {
            try {
              return counter(get(ap1 + "/q/metrics"), "bdt_ap_coordinator_slots_total")
                  >= before + 3;
            } catch (Exception e) {
              return false;
            }
          });
      // the joint decision reaches the APs that are up; AP 0 is priced as unreachable
      JsonNode status = JSON.readTree(get(ap1 + "/status"));
      assertThat(status.path("miningShareSource").asText()).isEqualTo("coordinator");
    } finally {
      ap0.start();
      ap0.awaitReady("/q/health/ready", Duration.ofSeconds(180));
    }
  }

  /** The value of the Prometheus sample {@code name} (with its labels) in {@code scrape}, or 0. */
  static double counter(String scrape, String name) {
    return scrape
        .lines()
        .filter(l -> l.startsWith(name + " "))
        .mapToDouble(l -> Double.parseDouble(l.substring(name.length() + 1).trim()))
        .findFirst()
        .orElse(0);
  }

  static String get(String url) throws Exception {
    return platform
        .http()
        .send(
            HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + platform.adminToken())
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  @Test
  @Order(3)
  void restartedApsNodeCatchesUpWithTheChain() throws Exception {
    ServiceProcess ap2 = platform.apProcesses().get(2);
    ap2.close();
    long stoppedAt = Long.decode(rpc(platform.rpcPort(0), "eth_blockNumber").asText());
    await(
        "three more blocks without AP 2",
        Duration.ofSeconds(60),
        () -> {
          try {
            return Long.decode(rpc(platform.rpcPort(0), "eth_blockNumber").asText())
                >= stoppedAt + 3;
          } catch (Exception e) {
            return false;
          }
        });
    ap2.start();
    ap2.awaitReady("/q/health/ready", Duration.ofSeconds(120));
    long target = Long.decode(rpc(platform.rpcPort(0), "eth_blockNumber").asText());
    await(
        "AP 2 to reach block " + target,
        Duration.ofSeconds(60),
        () -> {
          try {
            return Long.decode(rpc(platform.rpcPort(2), "eth_blockNumber").asText()) >= target;
          } catch (Exception e) {
            return false;
          }
        });
  }

  @Test
  @Order(4)
  void fleetPublishesOverTheEmbeddedBroker() throws Exception {
    long before = platform.fleet().published();
    await(
        "fleet messages", Duration.ofSeconds(10), () -> platform.fleet().published() >= before + 4);
    assertThat(platform.fleet().states()).containsEntry("vib-2", "bearing_fault");
  }

  @Test
  @Order(5)
  void injectedBearingFaultShowsInTheTwinsHealth() throws Exception {
    Assumptions.assumeTrue(
        !platform.gatewayProcesses().isEmpty(),
        "gateway-twin/target/quarkus-app is not built (the gateway service is another helper's"
            + " module); the twin health check needs it");
    String hostId =
        platform.fleet().devices().stream()
            .filter(d -> d.id().equals("vib-2"))
            .findFirst()
            .orElseThrow()
            .gatewayId();
    String gw =
        platform.gatewayProcesses().stream()
            .filter(p -> p.name().equals(hostId))
            .findFirst()
            .orElseThrow()
            .baseUrl();
    // stated time: the fault is injected from the start; its twin must say so within 60 s
    await(
        "vib-2's twin health to be bearing_fault",
        Duration.ofSeconds(60),
        () -> {
          JsonNode twin = platform.getJson(gw + "/twins/bdt:vib-2");
          return twin != null
              && twin.at("/features/health/properties/label").asText().equals("bearing_fault");
        });
  }

  @Test
  @Order(6)
  void bearingFaultResultReachesKafka() throws Exception {
    Assumptions.assumeTrue(
        !platform.gatewayProcesses().isEmpty(), "gateway-twin/target/quarkus-app is not built");
    // read as ./bdt events --type io.bdt.inference.result reads it
    java.util.concurrent.atomic.AtomicBoolean seen =
        new java.util.concurrent.atomic.AtomicBoolean();
    long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    try (EventTail tail = new EventTail(kafkaServers, List.of("io.bdt.inference.result"))) {
      java.util.function.Consumer<JsonNode> match =
          e -> {
            String text = e.toString();
            if (text.contains("vib-2") && text.contains("bearing_fault")) {
              seen.set(true);
            }
          };
      tail.stored(match, seen::get);
      if (!seen.get()) {
        tail.follow(match, () -> seen.get() || System.nanoTime() > end);
      }
    }
    boolean found = seen.get();
    assertThat(found).as("a bearing_fault result of vib-2 on bdt.inference-results").isTrue();
  }

  @Test
  @Order(7)
  void bearingFaultResultsAnchorVerifiesOnChainAndTheDeviceIsInDeviceRegistry() throws Exception {
    Assumptions.assumeTrue(
        !platform.gatewayProcesses().isEmpty(), "gateway-twin/target/quarkus-app is not built");
    String hostId =
        platform.fleet().devices().stream()
            .filter(d -> d.id().equals("vib-2"))
            .findFirst()
            .orElseThrow()
            .gatewayId();
    int n = Integer.parseInt(hostId.substring(2)) - 1;
    String gw = platform.gatewayProcesses().get(n).baseUrl();
    String gatewayAddress = platform.keys().gateway(n).getAddress();
    JsonNode[] proof = new JsonNode[1];
    java.util.Deque<String> seen = new java.util.ArrayDeque<>();
    // stated time: results are anchored every 10 s; a served bearing_fault result has a proof
    // from the gateway's anchor batch within 60 s. The twin shows the newest result, which is
    // not anchored yet, so the oldest task id seen is asked for.
    await(
        "an anchored bearing_fault result of vib-2 with its inclusion proof",
        Duration.ofSeconds(60),
        () -> {
          JsonNode twin = platform.getJson(gw + "/twins/bdt:vib-2");
          if (twin != null
              && twin.at("/features/health/properties/label").asText().equals("bearing_fault")) {
            String taskId = twin.at("/features/health/properties/taskId").asText();
            if (!seen.contains(taskId)) {
              seen.addLast(taskId);
            }
          }
          if (seen.isEmpty()) {
            return false;
          }
          proof[0] = platform.getJson(gw + "/anchors/proof?taskId=" + seen.getFirst());
          return proof[0] != null;
        });
    assertThat(proof[0].path("itemText").asText())
        .contains(":bdt:vib-2:")
        .endsWith(":bearing_fault");
    byte[] root = Numeric.hexStringToByteArray(proof[0].path("root").asText());
    byte[] item = Numeric.hexStringToByteArray(proof[0].path("item").asText());
    List<byte[]> siblings = new java.util.ArrayList<>();
    proof[0].path("proof").forEach(h -> siblings.add(Numeric.hexStringToByteArray(h.asText())));

    org.web3j.protocol.Web3j web3j =
        org.web3j.protocol.Web3j.build(
            new org.web3j.protocol.http.HttpService("http://127.0.0.1:" + platform.rpcPort(1)));
    try {
      var gas =
          new org.web3j.tx.gas.StaticGasProvider(BigInteger.ONE, BigInteger.valueOf(1_000_000));
      var reader = new org.web3j.tx.ReadonlyTransactionManager(web3j, gatewayAddress);
      var twinAnchor =
          io.bdt.contracts.generated.TwinAnchor.load(
              platform.contracts().twinAnchor(), web3j, reader, gas);
      BigInteger[] anchorId = new BigInteger[1];
      // the gateway posts the root from its key through its serving AP's node; another AP's node
      // must see it once the block carrying it has propagated
      await(
          "the anchor with the proof's root on chain",
          Duration.ofSeconds(60),
          () -> {
            try {
              long count = twinAnchor.anchorCount().send().longValueExact();
              for (long i = count - 1; i >= 0 && anchorId[0] == null; i--) {
                var a = twinAnchor.anchorOf(BigInteger.valueOf(i)).send();
                if (java.util.Arrays.equals(a.root, root)) {
                  assertThat(a.gateway).isEqualToIgnoringCase(gatewayAddress);
                  anchorId[0] = BigInteger.valueOf(i);
                }
              }
              return anchorId[0] != null;
            } catch (Exception e) {
              return false;
            }
          });
      assertThat(twinAnchor.verify(anchorId[0], item, siblings).send()).isTrue();
      byte[] tampered =
          proof[0]
              .path("itemText")
              .asText()
              .replace(":bearing_fault", ":normal")
              .getBytes(java.nio.charset.StandardCharsets.UTF_8);
      assertThat(twinAnchor.verify(anchorId[0], tampered, siblings).send()).isFalse();

      var registry =
          io.bdt.contracts.generated.DeviceRegistry.load(
              platform.contracts().deviceRegistry(), web3j, reader, gas);
      byte[] chainId =
          org.web3j.crypto.Hash.sha3("vib-2".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      var onChain = registry.device(chainId).send();
      assertThat(onChain.status).as("DeviceRegistry status Active").isEqualTo(BigInteger.ONE);
      // the fleet addresses vib-2's request to its gateway (gw2, index 1): only it registers it
      int owner = -1;
      for (int i = 0; i < platform.gatewayProcesses().size(); i++) {
        if (platform.keys().gateway(i).getAddress().equalsIgnoreCase(onChain.gateway)) {
          owner = i;
        }
      }
      assertThat(owner).as("vib-2's owner on chain is its own gateway, gw2").isEqualTo(1);
      assertThat(platform.getJson(platform.gatewayProcesses().get(0).baseUrl() + "/devices/vib-2"))
          .as("gw1 never answered vib-2's request")
          .isNull();
      JsonNode device =
          platform.getJson(platform.gatewayProcesses().get(owner).baseUrl() + "/devices/vib-2");
      assertThat(Numeric.toHexStringNoPrefix(onChain.credentialHash))
          .as("DeviceRegistry commits to the ledger's salted hash")
          .isEqualToIgnoringCase(
              io.bdt.gateway.device.SecretHash.chainCommitment(
                  device.path("credentialHash").asText()));
      assertThat(onChain.model).isEqualTo("vibration-sensor");
    } finally {
      web3j.shutdown();
    }
  }

  @Test
  @Order(8)
  void restartedGatewayKeepsItsTwins() throws Exception {
    Assumptions.assumeTrue(
        !platform.gatewayProcesses().isEmpty(), "gateway-twin/target/quarkus-app is not built");
    ServiceProcess gw = platform.gatewayProcesses().getFirst();
    JsonNode before = platform.getJson(gw.baseUrl() + "/twins");
    assertThat(before).isNotEmpty();
    gw.close();
    gw.start();
    gw.awaitReady("/q/health/ready", Duration.ofSeconds(120));
    JsonNode after = platform.getJson(gw.baseUrl() + "/twins");
    for (JsonNode twin : before) {
      String id = twin.path("thingId").asText();
      JsonNode same = null;
      for (JsonNode t : after) {
        if (t.path("thingId").asText().equals(id)) {
          same = t;
        }
      }
      assertThat(same).as("twin " + id + " after the restart").isNotNull();
      assertThat(same.path("revision").asLong())
          .isGreaterThanOrEqualTo(twin.path("revision").asLong());
      assertThat(same.at("/features/health/properties/label").asText())
          .isEqualTo(twin.at("/features/health/properties/label").asText());
    }
  }

  @Test
  @Order(10)
  void restartedApStillCoSignsTheReceiptOfATaskItServedBeforeTheRestart() throws Exception {
    byte[] taskId = Numeric.toBytesPadded(BigInteger.valueOf(77_000_001L), 32);
    long slot = ledgerSlotNow();
    serveAtAp0(taskId, slot, new VibrationGenerator(7));
    long flops = PlatformChain.PARAMETERS.receiptFlops(1.0e10, 1);
    ServiceProcess ap0 = platform.apProcesses().getFirst();
    ap0.close();
    ap0.start();
    ap0.awaitReady("/q/health/ready", Duration.ofSeconds(180));
    // before the record was kept on disk, the restarted AP answered "this AP served no task"
    HttpResponse<String> accepted = receiptToAp0(taskId, flops, slot);
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
  }

  @Test
  @Order(9)
  void machinesMosquittoCarriesTheFleetToo() throws Exception {
    boolean reachable;
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", 1883), 500);
      reachable = true;
    } catch (java.io.IOException e) {
      reachable = false;
    }
    Assumptions.assumeTrue(reachable, "no MQTT broker (Mosquitto) listens on 127.0.0.1:1883 here");
    try (SensorFleet fleet =
        new SensorFleet("tcp://127.0.0.1:1883", SensorFleet.spread(2, List.of("gw1")), 1)) {
      fleet.start(200);
      await("two windows through Mosquitto", Duration.ofSeconds(10), () -> fleet.published() >= 2);
    }
  }

  @Test
  @Order(11)
  void aTokenFromTheTokenCommandHoldsItsRoleAndGrantAtTheGateway() throws Exception {
    Assumptions.assumeTrue(
        !platform.gatewayProcesses().isEmpty(), "gateway-twin/target/quarkus-app is not built");
    String gw = platform.gatewayProcesses().getFirst().baseUrl();
    String[] reader = {
      "token", "--data", work.toString(), "--role", "twin-reader", "--subject", "it-reader"
    };
    TokenCommandTest.Run plain = TokenCommandTest.bdt(reader);
    assertThat(plain.status()).as(plain.err()).isZero();
    List<String> narrowArgs = new java.util.ArrayList<>(List.of(reader));
    narrowArgs.addAll(List.of("--grant", "read:bdt:vib-2"));
    TokenCommandTest.Run narrow = TokenCommandTest.bdt(narrowArgs.toArray(String[]::new));
    assertThat(narrow.status()).as(narrow.err()).isZero();

    assertThat(status(gw + "/twins/bdt:vib-1", plain.out(), null)).isIn(200, 404);
    assertThat(status(gw + "/twins/bdt:vib-1", narrow.out(), null)).isEqualTo(403);
    assertThat(status(gw + "/twins/bdt:vib-2", narrow.out(), null)).isIn(200, 404);
    assertThat(status(gw + "/twins/bdt:vib-2", plain.out(), "{}")).isEqualTo(403);
    assertThat(status(gw + "/twins/bdt:vib-2", "not.a.jwt", null)).isEqualTo(401);
  }

  /** The status of a GET (or, with a body, a PUT) of {@code url} with bearer {@code token}. */
  static int status(String url, String token, String putBody) throws Exception {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create(url))
            .header("Authorization", "Bearer " + token)
            .timeout(Duration.ofSeconds(10));
    if (putBody != null) {
      r.header("Content-Type", "application/json")
          .PUT(HttpRequest.BodyPublishers.ofString(putBody));
    }
    return platform.http().send(r.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  @Order(12)
  void theServicesCommandLinesHoldNoKeySecretOrToken() throws Exception {
    Map<Long, String> lines = ChildCommandLines.now();
    List<String> services =
        lines.values().stream().filter(l -> l.contains("quarkus-run.jar")).toList();
    // every AP and gateway the platform started (the explorer too, when built)
    assertThat(services.size())
        .isGreaterThanOrEqualTo(platform.apProcesses().size() + platform.gatewayProcesses().size());
    // the keys are there as files
    assertThat(services).anyMatch(l -> l.contains("-Dbdt.ap.key-file="));
    Map<String, String> secrets = ChildCommandLines.secrets(platform, work);
    assertThat(secrets.keySet()).anyMatch(k -> k.endsWith(".password"));
    assertThat(secrets).containsKey("auth/provisioning-secret");
    lines.forEach(
        (pid, line) -> {
          secrets.forEach(
              (what, secret) ->
                  assertThat(line)
                      .as("command line of process " + pid + " holds the " + what)
                      .doesNotContainIgnoringCase(secret));
          assertThat(line).as("process " + pid + ": a JWT").doesNotContain("eyJ");
          assertThat(line).as("process " + pid + ": a PEM").doesNotContain("-----BEGIN");
        });
  }
}
