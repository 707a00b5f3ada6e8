package io.bdt.gateway.service;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bdt.gateway.ingest.RejectReason;
import io.bdt.gateway.ingest.TelemetryIngest;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The gateway service on the embedded broker: JSON and Sparkplug telemetry update twins, bad
 * telemetry is counted and dropped, the twin REST API (put, patch, search, history), live
 * server-sent events, periodic anchors, health and OpenAPI. Provisioning: {@link
 * GatewayProvisioningTest}; inference and slot decisions: {@link GatewayInferenceTest}.
 */
@QuarkusTest
@WithTestResource(value = EmbeddedBroker.class, scope = TestResourceScope.MATCHING_RESOURCES)
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class GatewayServiceTest extends GatewayServiceFixture {
  @Inject TelemetryIngest ingest;

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
