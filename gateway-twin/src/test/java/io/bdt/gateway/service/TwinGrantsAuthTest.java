package io.bdt.gateway.service;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bdt.gateway.sim.DeviceSimulator;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Per-namespace and per-thing twin grants over HTTP with real signed tokens: a token's {@code
 * twin_grants} narrow its twin roles to the namespaces and things they name, refusals are 403 with
 * a reason and counted, searches and the event stream show only readable twins, and a token without
 * the claim keeps its roles' full reach.
 */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedBroker.class, restrictToAnnotatedClass = true)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class TwinGrantsAuthTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BODY = "{\"attributes\":{\"site\":\"grants\"}}";

  private static String bearer(String token) {
    return "Bearer " + token;
  }

  private static String operator() {
    return bearer(EmbeddedBroker.tokens.token("ops", "operator"));
  }

  private static String granted(List<String> grants, String... roles) {
    return bearer(EmbeddedBroker.tokens.withGrants("g", grants, roles));
  }

  private static double refused(String reason) {
    return AuthMetrics.refused("403", reason);
  }

  private static void put(String thingId) {
    given()
        .header("Authorization", operator())
        .contentType(ContentType.JSON)
        .body(BODY)
        .put("/twins/" + thingId)
        .then()
        .statusCode(org.hamcrest.Matchers.oneOf(200, 201));
  }

  @BeforeEach
  void twins() {
    for (String id : List.of("gr:vib-1", "gr:vib-3", "gr:vib-30", "grplant:p-1", "grplant:p-2")) {
      put(id);
    }
  }

  @Test
  void aNamespaceReaderReadsThatNamespaceOnlyAndIsToldWhy() {
    String reader = granted(List.of("read:gr"), "twin-reader");
    double before = refused("missing-grant");

    given().header("Authorization", reader).get("/twins/gr:vib-1").then().statusCode(200);
    given()
        .header("Authorization", reader)
        .get("/twins/grplant:p-1")
        .then()
        .statusCode(403)
        .body("reason", equalTo("missing-grant"))
        .body("error", containsString("do not allow read on grplant:p-1"));
    given()
        .header("Authorization", reader)
        .get("/twins/grplant:p-1/history")
        .then()
        .statusCode(403);
    // an unknown twin of another namespace: refused, not 404, so existence does not leak
    given().header("Authorization", reader).get("/twins/grplant:nope").then().statusCode(403);

    assertThat(refused("missing-grant")).isEqualTo(before + 3);
  }

  @Test
  void aThingWriterWritesThatThingOnlyAndReadsIt() {
    String writer = granted(List.of("write:gr:vib-3"), "twin-writer");
    given()
        .header("Authorization", writer)
        .contentType(ContentType.JSON)
        .body("{\"attributes\":{\"site\":\"moved\"}}")
        .put("/twins/gr:vib-3")
        .then()
        .statusCode(200);
    given()
        .header("Authorization", writer)
        .contentType("application/merge-patch+json")
        .body("{\"attributes\":{\"k\":1}}")
        .patch("/twins/gr:vib-3")
        .then()
        .statusCode(200);
    given().header("Authorization", writer).get("/twins/gr:vib-3").then().statusCode(200);

    double before = refused("missing-grant");
    given()
        .header("Authorization", writer)
        .contentType(ContentType.JSON)
        .body("{\"attributes\":{\"site\":\"moved\"}}")
        .put("/twins/gr:vib-30")
        .then()
        .statusCode(403)
        .body("error", containsString("do not allow write on gr:vib-30"));
    given()
        .header("Authorization", writer)
        .contentType("application/merge-patch+json")
        .body("{\"attributes\":{\"k\":1}}")
        .patch("/twins/gr:vib-1")
        .then()
        .statusCode(403);
    given().header("Authorization", writer).delete("/twins/gr:vib-1").then().statusCode(403);
    given().header("Authorization", writer).get("/twins/gr:vib-1").then().statusCode(403);
    assertThat(refused("missing-grant")).isEqualTo(before + 4);

    // nothing refused changed anything
    given()
        .header("Authorization", operator())
        .get("/twins/gr:vib-1")
        .then()
        .statusCode(200)
        .body("attributes.site", equalTo("grants"))
        .body("attributes.k", org.hamcrest.Matchers.nullValue());
    given()
        .header("Authorization", operator())
        .get("/twins/gr:vib-30")
        .then()
        .statusCode(200)
        .body("attributes.site", equalTo("grants"));
  }

  @Test
  void grantsNarrowRolesButNeverWidenThem() {
    String reader = granted(List.of("write:gr"), "twin-reader");
    double before = refused("missing-role");
    given()
        .header("Authorization", reader)
        .contentType(ContentType.JSON)
        .body(BODY)
        .put("/twins/gr:vib-1")
        .then()
        .statusCode(403);
    assertThat(refused("missing-role")).isEqualTo(before + 1);
    // an operator token with grants is narrowed like any other
    String narrowOperator = granted(List.of("read:gr"), "operator");
    given()
        .header("Authorization", narrowOperator)
        .get("/twins/grplant:p-1")
        .then()
        .statusCode(403);
    given()
        .header("Authorization", narrowOperator)
        .contentType(ContentType.JSON)
        .body(BODY)
        .put("/twins/gr:vib-1")
        .then()
        .statusCode(403);
  }

  @Test
  void aTokenWithoutGrantsKeepsItsRolesOverEveryNamespace() {
    String reader = bearer(EmbeddedBroker.tokens.token("plain", "twin-reader"));
    given().header("Authorization", reader).get("/twins/gr:vib-1").then().statusCode(200);
    given().header("Authorization", reader).get("/twins/grplant:p-1").then().statusCode(200);
    assertThat(ids(reader, "filter", "eq(attributes/site,\"grants\")"))
        .contains("gr:vib-1", "gr:vib-3", "gr:vib-30", "grplant:p-1", "grplant:p-2");
  }

  @Test
  void searchShowsOnlyReadableTwinsInFullPages() {
    String reader = granted(List.of("read:gr:vib-3", "read:grplant"), "twin-reader");
    // pages of one twin each: the grants filter before paging, so every page holds a twin
    List<String> all = new ArrayList<>();
    String cursor = null;
    for (int pages = 0; pages < 50; pages++) {
      Response page =
          given()
              .header("Authorization", reader)
              .queryParam("filter", "eq(attributes/site,\"grants\")")
              .queryParam("limit", 1)
              .queryParam("cursor", cursor)
              .get("/twins");
      assertThat(page.statusCode()).isEqualTo(200);
      List<String> ids = page.jsonPath().getList("thingId", String.class);
      assertThat(ids).hasSize(1);
      all.addAll(ids);
      cursor = page.header("X-Next-Cursor");
      if (cursor == null) {
        break;
      }
    }
    assertThat(all).containsExactly("gr:vib-3", "grplant:p-1", "grplant:p-2");

    assertThat(ids(reader, "namespace", "gr")).containsExactly("gr:vib-3");
    double before = refused("missing-grant");
    given()
        .header("Authorization", reader)
        .queryParam("namespace", "other")
        .get("/twins")
        .then()
        .statusCode(403)
        .body("error", containsString("allow reading nothing in namespace other"));
    assertThat(refused("missing-grant")).isEqualTo(before + 1);
  }

  @Test
  void aMalformedGrantsClaimRefusesEveryTwinNamingTheProblem() {
    double before = refused("invalid-grants");
    given()
        .header("Authorization", granted(List.of("read:gr", "admin:gr"), "twin-reader"))
        .get("/twins/gr:vib-1")
        .then()
        .statusCode(403)
        .body("reason", equalTo("invalid-grants"))
        .body("error", containsString("access must be read or write, got admin"));
    given()
        .header("Authorization", bearer(EmbeddedBroker.tokens.withGrants("g", 7, "twin-reader")))
        .get("/twins")
        .then()
        .statusCode(403)
        .body("reason", equalTo("invalid-grants"));
    assertThat(refused("invalid-grants")).isEqualTo(before + 2);
  }

  @Test
  void theEventStreamCarriesOnlyReadableTwins() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<java.util.stream.Stream<String>> response =
        http.sendAsync(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://localhost:"
                                + io.restassured.RestAssured.port
                                + "/twins/events"))
                    .header("Accept", "text/event-stream")
                    .header("Authorization", granted(List.of("read:gr"), "twin-reader"))
                    .build(),
                HttpResponse.BodyHandlers.ofLines())
            .get(10, TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(200);
    List<String> seen = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> marker = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () ->
                response
                    .body()
                    .filter(l -> l.startsWith("data:"))
                    .forEach(
                        l -> {
                          seen.add(l);
                          if (l.contains("gr:sse-marker")) {
                            marker.complete(null);
                          }
                        }));
    reader.setDaemon(true);
    reader.start();
    // the stream carries events only once its subscription is registered: write until one shows
    Instant deadline = Instant.now().plusSeconds(10);
    while (seen.isEmpty() && Instant.now().isBefore(deadline)) {
      put("gr:sse-warm");
      Thread.sleep(200);
    }
    assertThat(seen).isNotEmpty();
    put("grother:sse-hidden");
    put("gr:sse-marker");
    marker.get(10, TimeUnit.SECONDS);

    // events reach a stream in order: had the hidden twin's event been sent, it came first
    assertThat(seen).noneMatch(l -> l.contains("grother:"));
    JsonNode last = JSON.readTree(seen.get(seen.size() - 1).substring(5).trim());
    assertThat(last.at("/twin/thingId").asText()).isEqualTo("gr:sse-marker");
  }

  private static List<String> ids(String auth, String param, String value) {
    return given()
        .header("Authorization", auth)
        .queryParam(param, value)
        .queryParam("limit", 1000)
        .get("/twins")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath()
        .getList("thingId", String.class);
  }

  private static void provision(DeviceSimulator device, String deviceId) throws Exception {
    JsonNode reply = device.provision("vib-key", "vib-secret", deviceId);
    assertThat(reply.path("status").asText()).isEqualTo("provisioned");
  }

  private static List<String> deviceIds(String authorization) {
    return given()
        .header("Authorization", authorization)
        .get("/devices")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath()
        .getList("deviceId", String.class);
  }

  private static boolean revoked(String deviceId) {
    return given()
        .header("Authorization", operator())
        .get("/devices/" + deviceId)
        .then()
        .statusCode(200)
        .extract()
        .jsonPath()
        .getBoolean("revoked");
  }

  @Test
  void aDeviceAdminWithGrantsSeesReadsAndRevokesOnlyTheDevicesWhoseTwinsTheyCover()
      throws Exception {
    try (DeviceSimulator device = new DeviceSimulator(EmbeddedBroker.url, "gw-test")) {
      provision(device, "gd-1");
      provision(device, "gd-2");
    }
    String reader = granted(List.of("read:bdt:gd-1"), "device-admin");
    String writer = granted(List.of("write:bdt:gd-1"), "device-admin");
    double before = refused("missing-grant");

    assertThat(deviceIds(reader)).contains("gd-1").doesNotContain("gd-2");
    given().header("Authorization", reader).get("/devices/gd-1").then().statusCode(200);
    given()
        .header("Authorization", reader)
        .get("/devices/gd-2")
        .then()
        .statusCode(403)
        .body("reason", equalTo("missing-grant"))
        .body("error", containsString("do not allow read on bdt:gd-2"));
    // an unknown device: refused, not 404
    given().header("Authorization", reader).get("/devices/gd-nope").then().statusCode(403);
    // revoking needs a write grant on the device's twin
    given().header("Authorization", reader).post("/devices/gd-1/revoke").then().statusCode(403);
    given().header("Authorization", writer).post("/devices/gd-2/revoke").then().statusCode(403);
    assertThat(revoked("gd-1")).isFalse();
    assertThat(revoked("gd-2")).isFalse();
    given().header("Authorization", writer).post("/devices/gd-1/revoke").then().statusCode(200);
    assertThat(revoked("gd-1")).isTrue();

    assertThat(refused("missing-grant")).isEqualTo(before + 4);
    // without the claim a device admin reaches every device
    assertThat(deviceIds(bearer(EmbeddedBroker.tokens.token("admin", "device-admin"))))
        .contains("gd-1", "gd-2");
  }

  @Test
  void aMalformedGrantsClaimListsNoDevice() {
    String broken = granted(List.of("read"), "device-admin");
    double before = refused("invalid-grants");

    given()
        .header("Authorization", broken)
        .get("/devices")
        .then()
        .statusCode(403)
        .body("reason", equalTo("invalid-grants"));

    assertThat(refused("invalid-grants")).isEqualTo(before + 1);
  }

  @Test
  void theAnchorProofOfAResultNeedsAGrantOnTheResultsThing() throws Exception {
    float[] window =
        new io.bdt.dnn.vibration.VibrationGenerator(11)
            .next(io.bdt.dnn.vibration.MachineState.IMBALANCE)
            .samples();
    try (DeviceSimulator device = new DeviceSimulator(EmbeddedBroker.url, "gw-test")) {
      provision(device, "gp-1");
      for (int part = 0; part < 4; part++) {
        device.publishJson(
            "gp-1",
            JSON.createObjectNode(),
            java.util.Arrays.copyOfRange(window, part * 256, (part + 1) * 256),
            1);
      }
    }
    String taskId = awaitValue("gp-1's classified window", () -> taskIdOf("bdt:gp-1"));
    awaitValue(
        "the anchor of task " + taskId,
        () ->
            given()
                        .header("Authorization", operator())
                        .queryParam("taskId", taskId)
                        .get("/anchors/proof")
                        .statusCode()
                    == 200
                ? "anchored"
                : null);
    double before = refused("missing-grant");

    given()
        .header("Authorization", granted(List.of("read:gr", "read:bdt:gp-2"), "twin-reader"))
        .queryParam("taskId", taskId)
        .get("/anchors/proof")
        .then()
        .statusCode(403)
        .body("reason", equalTo("missing-grant"))
        .body("error", containsString("do not allow read on bdt:gp-1"));
    given()
        .header("Authorization", granted(List.of("read:bdt:gp-1"), "twin-reader"))
        .queryParam("taskId", taskId)
        .get("/anchors/proof")
        .then()
        .statusCode(200)
        .body("itemText", containsString(":bdt:gp-1:"));

    assertThat(refused("missing-grant")).isEqualTo(before + 1);
  }

  /** The task id of the twin's last classified window, or null before there is one. */
  private static String taskIdOf(String thingId) {
    Response r = given().header("Authorization", operator()).get("/twins/" + thingId);
    if (r.statusCode() != 200) {
      return null;
    }
    String taskId = r.jsonPath().getString("features.health.properties.taskId");
    return taskId == null || taskId.isEmpty() ? null : taskId;
  }

  /** Polls {@code value} until it is not null (at most 60 s). */
  private static String awaitValue(String what, java.util.function.Supplier<String> value)
      throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(60);
    while (Instant.now().isBefore(deadline)) {
      String v = value.get();
      if (v != null) {
        return v;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("timed out waiting for " + what);
  }
}
