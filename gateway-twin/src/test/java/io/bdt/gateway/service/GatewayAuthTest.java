package io.bdt.gateway.service;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The gateway's REST API over HTTP with real signed tokens: no token, a forged or expired token and
 * a token without the endpoint's role are refused (401/403) and counted; each role reaches what it
 * should and nothing else.
 */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedBroker.class, restrictToAnnotatedClass = true)
class GatewayAuthTest {

  private static String bearer(String token) {
    return "Bearer " + token;
  }

  private static double refused(String status, String reason) {
    return AuthMetrics.refused(status, reason);
  }

  @Test
  void writesWithoutATokenGet401AndChangeNothing() {
    double before = refused("401", "no-token");
    given()
        .contentType(ContentType.JSON)
        .body("{\"attributes\":{\"a\":1}}")
        .put("/twins/auth:anon")
        .then()
        .statusCode(401);
    given().delete("/twins/auth:anon").then().statusCode(401);
    given().post("/devices/vib-1/revoke").then().statusCode(401);
    given().get("/twins/auth:anon").then().statusCode(401);
    assertThat(refused("401", "no-token")).isEqualTo(before + 4);
    given()
        .header("Authorization", bearer(EmbeddedBroker.tokens.token("r", "twin-reader")))
        .get("/twins/auth:anon")
        .then()
        .statusCode(404);
  }

  @Test
  void aReaderReadsButCannotWriteTwinsOrTouchDevices() {
    String reader = bearer(EmbeddedBroker.tokens.token("alice", "twin-reader"));
    double before = refused("403", "missing-role");
    given().header("Authorization", reader).get("/twins").then().statusCode(200);
    given()
        .header("Authorization", reader)
        .contentType(ContentType.JSON)
        .body("{\"attributes\":{\"a\":1}}")
        .put("/twins/auth:reader")
        .then()
        .statusCode(403);
    given().header("Authorization", reader).get("/devices").then().statusCode(403);
    given().header("Authorization", reader).post("/devices/x/revoke").then().statusCode(403);
    assertThat(refused("403", "missing-role")).isEqualTo(before + 3);
  }

  @Test
  void aWriterWritesTwinsButCannotRevokeDevices() {
    String writer = bearer(EmbeddedBroker.tokens.token("bob", "twin-writer"));
    given()
        .header("Authorization", writer)
        .contentType(ContentType.JSON)
        .body("{\"attributes\":{\"a\":1}}")
        .put("/twins/auth:writer")
        .then()
        .statusCode(201);
    given().header("Authorization", writer).get("/twins/auth:writer").then().statusCode(200);
    given().header("Authorization", writer).post("/devices/x/revoke").then().statusCode(403);
    given().header("Authorization", writer).delete("/twins/auth:writer").then().statusCode(204);
  }

  @Test
  void aDeviceAdminManagesDevicesButCannotWriteTwins() {
    String admin = bearer(EmbeddedBroker.tokens.token("carol", "device-admin"));
    given().header("Authorization", admin).get("/devices").then().statusCode(200);
    given().header("Authorization", admin).post("/devices/nobody/revoke").then().statusCode(404);
    given()
        .header("Authorization", admin)
        .contentType(ContentType.JSON)
        .body("{}")
        .put("/twins/auth:admin")
        .then()
        .statusCode(403);
  }

  @Test
  void anExpiredTokenIsRefusedAndCountedAsExpired() {
    double before = refused("401", "expired-token");
    given()
        .header(
            "Authorization",
            bearer(EmbeddedBroker.tokens.expired(Duration.ofMinutes(10), "operator")))
        .get("/twins")
        .then()
        .statusCode(401);
    assertThat(refused("401", "expired-token")).isEqualTo(before + 1);
  }

  @Test
  void aTokenSignedByAnotherKeyIsRefused() {
    double before = refused("401", "bad-signature") + refused("401", "invalid-token");
    given()
        .header("Authorization", bearer(EmbeddedBroker.tokens.forged("operator")))
        .contentType(ContentType.JSON)
        .body("{}")
        .put("/twins/auth:forged")
        .then()
        .statusCode(401);
    given().header("Authorization", "Bearer not.a.jwt").get("/twins").then().statusCode(401);
    assertThat(refused("401", "bad-signature") + refused("401", "invalid-token"))
        .isEqualTo(before + 2);
  }

  @Test
  void metricsNeedAMetricsReaderOrOperatorToken() {
    given().get("/q/metrics").then().statusCode(401);
    given()
        .header("Authorization", bearer(EmbeddedBroker.tokens.token("r", "twin-reader")))
        .get("/q/metrics")
        .then()
        .statusCode(403);
    given()
        .header("Authorization", bearer(EmbeddedBroker.tokens.token("ops", "operator")))
        .get("/q/metrics")
        .then()
        .statusCode(200);
    // the metrics reader reads metrics only
    given()
        .header("Authorization", bearer(EmbeddedBroker.tokens.token("prom", "metrics-reader")))
        .get("/twins")
        .then()
        .statusCode(403);
  }

  @Test
  void healthAndOpenApiStayOpenAndOpenApiShowsTheBearerScheme() {
    given().get("/q/health/live").then().statusCode(200);
    given()
        .get("/q/openapi")
        .then()
        .statusCode(200)
        .body(containsString("bearer"))
        .body(containsString("scheme: bearer"))
        .body(containsString("bearerFormat: JWT"));
  }
}
