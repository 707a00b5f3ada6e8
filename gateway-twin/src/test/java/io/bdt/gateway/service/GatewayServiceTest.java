package io.bdt.gateway.service;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bdt.gateway.ingest.RejectReason;
import io.bdt.gateway.ingest.TelemetryIngest;
import io.bdt.gateway.sim.DeviceSimulator;
import io.bdt.gateway.twin.TwinStore;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = EmbeddedBroker.class, restrictToAnnotatedClass = true)
class GatewayServiceTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Inject TwinStore twins;
  @Inject TelemetryIngest ingest;

  private DeviceSimulator device;

  @BeforeEach
  void connect() throws Exception {
    // the calls below are an operator's: every role (GatewayAuthTest covers the refusals)
    io.restassured.RestAssured.requestSpecification =
        new io.restassured.builder.RequestSpecBuilder()
            .addHeader("Authorization", "Bearer " + EmbeddedBroker.tokens.token("ops", "operator"))
            .build();
    device = new DeviceSimulator(EmbeddedBroker.url, "gw-test");
  }

  @AfterEach
  void disconnect() throws Exception {
    io.restassured.RestAssured.requestSpecification = null;
    device.close();
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  private String provisioned(String deviceId) throws Exception {
    JsonNode reply = device.provision("vib-key", "vib-secret", deviceId);
    assertThat(reply.path("status").asText()).isEqualTo("provisioned");
    return reply.path("deviceId").asText();
  }

  @Test
  void provisioningOverMqttIssuesCredentialsAndRecordsTheDevice() throws Exception {
    JsonNode reply = device.provision("vib-key", "vib-secret", "press-1");
    assertThat(reply.path("status").asText()).isEqualTo("provisioned");
    assertThat(reply.path("deviceSecret").asText()).hasSize(64);
    assertThat(reply.path("telemetryTopic").asText())
        .isEqualTo("bdt/gw-test/devices/press-1/telemetry");
    given()
        .get("/devices/press-1")
        .then()
        .statusCode(200)
        .body("revoked", equalTo(false))
        .body("profileId", equalTo("vibration-sensor"));
  }

  @Test
  void provisioningRefusesUnknownProfilesWrongSecretsAndRevokedDevices() throws Exception {
    assertThat(device.provision("nope", "vib-secret", "x1").path("reason").asText())
        .isEqualTo("UNKNOWN_PROFILE");
    assertThat(device.provision("vib-key", "wrong", "x2").path("reason").asText())
        .isEqualTo("WRONG_SECRET");
    provisioned("x3");
    given().post("/devices/x3/revoke").then().statusCode(200).body("revoked", equalTo(true));
    assertThat(device.provision("vib-key", "vib-secret", "x3").path("reason").asText())
        .isEqualTo("REVOKED_DEVICE");
    assertThat(
            device
                .request("garbage", "not json".getBytes(StandardCharsets.UTF_8))
                .path("reason")
                .asText())
        .isEqualTo("MALFORMED_REQUEST");
  }

  @Test
  void aDeviceProvisionedThroughThisGatewayIsRegisteredHereOnlyAndNeverAnsweredByAnother()
      throws Exception {
    try (SecondGateway b = new SecondGateway(EmbeddedBroker.url, "gw-b");
        DeviceSimulator toB = new DeviceSimulator(EmbeddedBroker.url, "gw-b")) {
      JsonNode viaA = device.provision("vib-key", "vib-secret", "addr-a1");
      assertThat(viaA.path("status").asText()).isEqualTo("provisioned");
      given().get("/devices/addr-a1").then().statusCode(200);

      // B handles its messages in order: once it answered this later request, it has seen
      // every request it was going to see before it
      JsonNode viaB = toB.provision("vib-key", "vib-secret", "addr-b1");
      assertThat(viaB.path("status").asText()).isEqualTo("provisioned");
      assertThat(viaB.path("telemetryTopic").asText())
          .isEqualTo("bdt/gw-b/devices/addr-b1/telemetry");

      assertThat(b.ledger.find("addr-a1")).as("B did not register A's device").isEmpty();
      assertThat(b.ledger.find("addr-b1")).isPresent();
      assertThat(b.answered("provisioned")).as("B answered its own request only").isEqualTo(1.0);
      assertThat(b.answered("refused")).isZero();
      given().get("/devices/addr-b1").then().statusCode(404);
    }
  }

  @Test
  void theAddressedGatewayStillRefusesWrongSecretsUnknownProfilesAndRevokedDevices()
      throws Exception {
    try (SecondGateway b = new SecondGateway(EmbeddedBroker.url, "gw-b");
        DeviceSimulator toB = new DeviceSimulator(EmbeddedBroker.url, "gw-b")) {
      assertThat(toB.provision("vib-key", "wrong", "addr-x1").path("reason").asText())
          .isEqualTo("WRONG_SECRET");
      assertThat(toB.provision("nope", "vib-secret", "addr-x2").path("reason").asText())
          .isEqualTo("UNKNOWN_PROFILE");
      assertThat(toB.provision("vib-key", "vib-secret", "addr-x3").path("status").asText())
          .isEqualTo("provisioned");
      b.ledger.revoke("addr-x3");
      assertThat(toB.provision("vib-key", "vib-secret", "addr-x3").path("reason").asText())
          .isEqualTo("REVOKED_DEVICE");
      assertThat(b.answered("refused")).isEqualTo(3.0);
      given().get("/devices/addr-x3").then().statusCode(404);
    }
  }

  @Test
  void requestsOnTheFormerSharedTopicAreRefusedAsUnaddressedAndRegisterNothing() throws Exception {
    try (SecondGateway b = new SecondGateway(EmbeddedBroker.url, "gw-b");
        DeviceSimulator toB = new DeviceSimulator(EmbeddedBroker.url, "gw-b")) {
      JsonNode reply =
          device.requestUnaddressed(
              "legacy-1",
              "{\"provisioningKey\":\"vib-key\",\"provisioningSecret\":\"vib-secret\",\"deviceId\":\"legacy-dev\"}"
                  .getBytes(StandardCharsets.UTF_8));
      assertThat(reply.path("status").asText()).isEqualTo("refused");
      assertThat(reply.path("reason").asText()).isEqualTo("UNADDRESSED_REQUEST");
      assertThat(reply.path("detail").asText())
          .contains("bdt/{gatewayId}/provision/request/legacy-1");

      // a later addressed request to B proves B has handled the unaddressed one too
      assertThat(toB.provision("vib-key", "vib-secret", "addr-after").path("status").asText())
          .isEqualTo("provisioned");
      assertThat(b.ledger.find("legacy-dev")).isEmpty();
      assertThat(b.refused("UNADDRESSED_REQUEST")).isEqualTo(1.0);
      given().get("/devices/legacy-dev").then().statusCode(404);
      given()
          .get("/q/metrics")
          .then()
          .statusCode(200)
          .body(
              org.hamcrest.Matchers.containsString(
                  "bdt_provisioning_requests_total{outcome=\"refused\",reason=\"UNADDRESSED_REQUEST\"}"));
    }
  }

  @Test
  void jsonTelemetryUpdatesTheTwin() throws Exception {
    String id = provisioned("pump-json");
    ObjectNode props = JSON.createObjectNode().put("temperature", 41.5).put("rpm", 1480);
    device.publishJson(id, props, new float[0], 1);
    await("twin of " + id, () -> twins.get("bdt:" + id).isPresent());
    given()
        .get("/twins/bdt:" + id)
        .then()
        .statusCode(200)
        .body("features.telemetry.properties.temperature", equalTo(41.5f))
        .body("features.telemetry.properties.rpm", equalTo(1480));
  }

  @Test
  void sparkplugTelemetryUpdatesTheTwin() throws Exception {
    String id = provisioned("pump-spb");
    device.publishSparkplug("plant", "gw-test", id, 37.25, new float[0], 1);
    // the device's birth makes the twin (connectivity online) before its data reaches telemetry
    await(
        "telemetry of " + id,
        () -> twins.get("bdt:" + id).map(t -> t.features().containsKey("telemetry")).orElse(false));
    assertThat(
            twins
                .get("bdt:" + id)
                .orElseThrow()
                .features()
                .get("telemetry")
                .properties()
                .get("temperature")
                .asDouble())
        .isEqualTo(37.25);
  }

  @Test
  void malformedAndUnauthorizedTelemetryIsCountedAndDroppedWithoutTouchingTheTwin()
      throws Exception {
    String id = provisioned("pump-bad");
    device.publishJson(id, JSON.createObjectNode().put("rpm", 1), new float[0], 1);
    await("first telemetry", () -> twins.get("bdt:" + id).isPresent());
    long revision = twins.get("bdt:" + id).orElseThrow().revision();
    double notJson = ingest.rejectedCount(RejectReason.NOT_JSON);
    double notSparkplug = ingest.rejectedCount(RejectReason.NOT_SPARKPLUG);
    double unknown = ingest.rejectedCount(RejectReason.UNKNOWN_DEVICE);
    device.publishJson(id, "{\"rpm\": ".getBytes(StandardCharsets.UTF_8), 1);
    device.publishRaw(
        "spBv1.0/plant/DDATA/gw-test/" + id, new byte[] {(byte) 0xff, (byte) 0xff, 0x01}, 1);
    device.publishJson("stranger", "{\"rpm\":2}".getBytes(StandardCharsets.UTF_8), 1);
    // a valid message after the bad ones proves the service kept going
    device.publishJson(id, JSON.createObjectNode().put("rpm", 3), new float[0], 1);
    await(
        "the valid message after the bad ones",
        () -> twins.get("bdt:" + id).orElseThrow().revision() == revision + 1);
    assertThat(ingest.rejectedCount(RejectReason.NOT_JSON)).isEqualTo(notJson + 1);
    assertThat(ingest.rejectedCount(RejectReason.NOT_SPARKPLUG)).isEqualTo(notSparkplug + 1);
    assertThat(ingest.rejectedCount(RejectReason.UNKNOWN_DEVICE)).isEqualTo(unknown + 1);
    assertThat(twins.get("bdt:stranger")).isEmpty();
    assertThat(
            twins
                .get("bdt:" + id)
                .orElseThrow()
                .features()
                .get("telemetry")
                .properties()
                .get("rpm")
                .asInt())
        .isEqualTo(3);
    given()
        .get("/q/metrics")
        .then()
        .statusCode(200)
        .body(
            org.hamcrest.Matchers.containsString(
                "bdt_telemetry_rejected_total{reason=\"not-json\""));
  }

  @Test
  void restPutPatchSearchAndHistory() {
    given()
        .contentType(ContentType.JSON)
        .body("{\"attributes\":{\"location\":\"hall-9\"},\"features\":{\"health\":{}}}")
        .put("/twins/plant:robot-1")
        .then()
        .statusCode(201)
        .body("revision", equalTo(1));
    given()
        .contentType("application/merge-patch+json")
        .body(
            "{\"attributes\":{\"line\":4},\"features\":{\"health\":{\"desiredProperties\":{\"mode\":\"eco\"}}}}")
        .patch("/twins/plant:robot-1")
        .then()
        .statusCode(200)
        .body("revision", equalTo(2))
        .body("attributes.location", equalTo("hall-9"))
        .body("features.health.desiredProperties.mode", equalTo("eco"));
    given()
        .contentType("application/merge-patch+json")
        .body("{\"attributes\":[1]}")
        .patch("/twins/plant:robot-1")
        .then()
        .statusCode(400)
        .body("error", org.hamcrest.Matchers.containsString("attributes must be a JSON object"));
    given()
        .queryParam("namespace", "plant")
        .queryParam("filter", "attributes/location=hall-9")
        .get("/twins")
        .then()
        .statusCode(200)
        .body("$", hasSize(1))
        .body("[0].thingId", equalTo("plant:robot-1"));
    given()
        .queryParam("filter", "attributes/location=nowhere")
        .get("/twins")
        .then()
        .body("$", hasSize(0));
    given()
        .get("/twins/plant:robot-1/history")
        .then()
        .statusCode(200)
        .body("$", hasSize(2))
        .body("[0].type", equalTo("created"))
        .body("[1].twin.revision", equalTo(2));
    given().get("/twins/plant:nobody").then().statusCode(404);
    given()
        .queryParam("from", "yesterday")
        .get("/twins/plant:robot-1/history")
        .then()
        .statusCode(400);
  }

  /**
   * Publishes one imbalance window (seeded) from device {@code id} in four messages and returns the
   * twin's {@code health} feature once the gateway has classified it.
   */
  private JsonNode classified(String id, long seed) throws Exception {
    float[] window =
        new io.bdt.dnn.vibration.VibrationGenerator(seed)
            .next(io.bdt.dnn.vibration.MachineState.IMBALANCE)
            .samples();
    for (int part = 0; part < 4; part++) {
      device.publishJson(
          id,
          JSON.createObjectNode(),
          java.util.Arrays.copyOfRange(window, part * 256, (part + 1) * 256),
          1);
    }
    await(
        "health feature of " + id,
        () -> twins.get("bdt:" + id).map(t -> t.features().containsKey("health")).orElse(false));
    return twins.get("bdt:" + id).orElseThrow().features().get("health").properties();
  }

  @Test
  void aSensorWindowIsClassifiedThroughTheApAndTheResultLandsInTheHealthFeature() throws Exception {
    String id = provisioned("motor-7");
    var health = classified(id, 7);
    assertThat(health.get("label").asText()).isEqualTo("imbalance");
    assertThat(health.get("probabilities")).hasSize(4);
    // a 0.1 MFLOP/s gateway and an AP with a reputation deficit: DPRA offloads at cut 0
    assertThat(health.get("cut").asInt()).isEqualTo(0);
    assertThat(EmbeddedBroker.accessPoint.cuts).contains(0);
    // the AP is told DPRA's mining share for it: mining never stops (docs/dpra.md)
    assertThat(EmbeddedBroker.accessPoint.miningShares).allMatch(f -> f > 0 && f < 2.0e10);
    String taskId = health.get("taskId").asText();
    await(
        "the receipt of " + taskId,
        () ->
            EmbeddedBroker.accessPoint.receipts.stream()
                .anyMatch(r -> r.get("taskId").asText().equals(taskId)));
    JsonNode receipt =
        EmbeddedBroker.accessPoint.receipts.stream()
            .filter(r -> r.get("taskId").asText().equals(taskId))
            .findFirst()
            .orElseThrow();
    var signed =
        new io.bdt.contracts.receipt.ServiceReceipt(
            org.web3j.utils.Numeric.hexStringToByteArray(receipt.get("taskId").asText()),
            receipt.get("ap").asText(),
            receipt.get("gateway").asText(),
            new java.math.BigInteger(receipt.get("flopsServed").asText()),
            receipt.get("latencyMicros").asLong(),
            receipt.get("slot").asLong());
    assertThat(receipt.get("ap").asText()).isEqualTo(TestAccessPoint.ADDRESS);
    assertThat(
            signed.signer(
                1337,
                "0x0000000000000000000000000000000000000000",
                org.web3j.utils.Numeric.hexStringToByteArray(receipt.get("signature").asText())))
        .isEqualToIgnoringCase(receipt.get("gateway").asText());
    assertThat(health.get("taskId").asText()).isEqualTo(receipt.get("taskId").asText());
  }

  @Test
  void aTaskWhoseOffloadFailsRunsLocallyAndIsCountedNotDropped() throws Exception {
    String id = provisioned("motor-8");
    int receiptsBefore = EmbeddedBroker.accessPoint.receipts.size();
    EmbeddedBroker.accessPoint.dropOffloads = true;
    JsonNode health;
    try {
      health = classified(id, 8);
    } finally {
      EmbeddedBroker.accessPoint.dropOffloads = false;
    }
    // the whole model ran on the gateway (the vibration CNN's fully local cut) and got it right
    assertThat(health.get("label").asText()).isEqualTo("imbalance");
    int fullyLocal =
        io.bdt.dnn.graph.GraphAnalyzer.analyze(
                    io.bdt.dnn.onnx.OnnxModels.read(
                        EmbeddedBroker.dataDir.resolve("models/vibration-seed1/model.onnx")),
                    java.util.Map.of())
                .cuts()
                .size()
            - 1;
    assertThat(health.get("cut").asInt()).isEqualTo(fullyLocal);
    // no receipt for a task the AP did not serve
    assertThat(EmbeddedBroker.accessPoint.receipts).hasSize(receiptsBefore);
    given()
        .get("/q/metrics")
        .then()
        .statusCode(200)
        .body(
            org.hamcrest.Matchers.matchesPattern(
                "(?s).*bdt_inference_offload_fallback_total(\\{[^}]*\\})? [1-9].*"));
  }

  @Test
  void slotsFollowTheCoordinatorAndFallBackToALocalDecisionWhenItStops() throws Exception {
    EmbeddedBroker.accessPoint.coordinating = true;
    try {
      String id = provisioned("motor-9");
      int demandsBefore = EmbeddedBroker.accessPoint.demands.size();
      classified(id, 9);
      await(
          "slots decided by the coordinator",
          () -> decisions("coordinator") > 0 && EmbeddedBroker.accessPoint.demands.size() > 0);
      JsonNode demand = EmbeddedBroker.accessPoint.demands.get(demandsBefore);
      assertThat(demand.get("model").asText()).isEqualTo("vibration");
      assertThat(demand.get("modelHash").asText()).matches("[0-9a-f]{64}");
      assertThat(demand.get("samples").asInt()).isPositive();
    } finally {
      // the coordinator stops mid-run: the next slots are decided on the gateway
      EmbeddedBroker.accessPoint.coordinating = false;
    }
    double localBefore = decisions("local-fallback");
    classified(provisioned("motor-10"), 10);
    await("a slot decided locally", () -> decisions("local-fallback") > localBefore);
  }

  /** {@code bdt_dpra_decisions_total{source}} of the gateway now. */
  private static double decisions(String source) {
    String scrape = given().get("/q/metrics").then().statusCode(200).extract().asString();
    String name = "bdt_dpra_decisions_total{source=\"" + source + "\"} ";
    return scrape
        .lines()
        .filter(l -> l.startsWith(name))
        .mapToDouble(l -> Double.parseDouble(l.substring(name.length()).trim()))
        .findFirst()
        .orElse(0);
  }

  @Test
  void anchorsArePostedEveryPeriod() throws Exception {
    java.nio.file.Path anchors = EmbeddedBroker.dataDir.resolve("anchors.jsonl");
    await(
        "an anchor line",
        () -> {
          try {
            return java.nio.file.Files.exists(anchors)
                && !java.nio.file.Files.readAllLines(anchors).isEmpty();
          } catch (java.io.IOException e) {
            return false;
          }
        });
    JsonNode first = JSON.readTree(java.nio.file.Files.readAllLines(anchors).get(0));
    assertThat(first.get("root").asText()).matches("0x[0-9a-f]{64}");
    assertThat(first.get("leafCount").asInt()).isPositive();
  }

  @Test
  void twinChangesAreStreamedLiveAsServerSentEvents() throws Exception {
    var http = java.net.http.HttpClient.newHttpClient();
    var lines =
        http.sendAsync(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(
                        "http://localhost:" + io.restassured.RestAssured.port + "/twins/events"))
                .header("Accept", "text/event-stream")
                .header(
                    "Authorization", "Bearer " + EmbeddedBroker.tokens.token("r", "twin-reader"))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofLines());
    var response = lines.get(10, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(200);
    var seen = new java.util.concurrent.CompletableFuture<String>();
    Thread reader =
        new Thread(
            () ->
                response
                    .body()
                    .filter(l -> l.startsWith("data:") && l.contains("live:sse-1"))
                    .findFirst()
                    .ifPresent(seen::complete));
    reader.setDaemon(true);
    reader.start();
    // the stream only carries events after its subscription is registered: write until one shows
    Instant deadline = Instant.now().plusSeconds(10);
    while (!seen.isDone() && Instant.now().isBefore(deadline)) {
      given()
          .contentType(ContentType.JSON)
          .body("{\"attributes\":{\"k\":\"v\"}}")
          .put("/twins/live:sse-1")
          .then()
          .statusCode(org.hamcrest.Matchers.oneOf(200, 201));
      Thread.sleep(200);
    }
    JsonNode event =
        JSON.readTree(seen.get(10, java.util.concurrent.TimeUnit.SECONDS).substring(5).trim());
    assertThat(event.get("type").asText()).isIn("created", "modified");
    assertThat(event.at("/twin/thingId").asText()).isEqualTo("live:sse-1");
    assertThat(event.at("/twin/attributes/k").asText()).isEqualTo("v");
  }

  @Test
  void healthAndOpenApiAreServed() {
    given()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body("status", equalTo("UP"))
        // standalone here: the chain check is up and says so
        .body("checks.find { it.name == 'chain' }.data.enabled", equalTo(false));
    given()
        .get("/q/openapi")
        .then()
        .statusCode(200)
        .body(org.hamcrest.Matchers.containsString("/twins/{thingId}/history"));
  }
}
