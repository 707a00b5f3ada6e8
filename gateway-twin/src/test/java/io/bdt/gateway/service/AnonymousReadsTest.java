package io.bdt.gateway.service;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The gateway with {@code bdt.auth.anonymous-reads=true}: reads need no token, writes and device
 * administration still do, and the service warns at start that reads are open. (Closed by default:
 * {@code GatewayAuthTest.writesWithoutATokenGet401AndChangeNothing} reads without a token and is
 * refused.)
 */
@QuarkusTest
@TestProfile(AnonymousReadsTest.OpenReads.class)
@QuarkusTestResource(value = EmbeddedBroker.class, restrictToAnnotatedClass = true)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AnonymousReadsTest {

  static final Path LOG;

  static {
    try {
      LOG = Files.createTempDirectory("bdt-anonymous-reads").resolve("gateway.log");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Opens reads and writes the service's log to a file the test reads. */
  public static final class OpenReads implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "bdt.auth.anonymous-reads", "true",
          "quarkus.log.file.enable", "true",
          "quarkus.log.file.path", LOG.toString());
    }
  }

  @Test
  void readsNeedNoTokenAndTheStartLogSaysSo() throws IOException {
    given()
        .header("Authorization", "Bearer " + EmbeddedBroker.tokens.token("w", "twin-writer"))
        .contentType(ContentType.JSON)
        .body("{\"attributes\":{\"a\":1}}")
        .put("/twins/anon:open")
        .then()
        .statusCode(201);

    given().get("/twins/anon:open").then().statusCode(200);
    given().get("/twins").then().statusCode(200);
    given().get("/twins/anon:open/history").then().statusCode(200);

    assertThat(Files.readString(LOG))
        .contains("WARN")
        .contains(
            "bdt.auth.anonymous-reads=true: anyone who reaches this service holds twin-reader");
  }

  @Test
  void writesAndDeviceAdministrationStillNeedAToken() {
    given()
        .contentType(ContentType.JSON)
        .body("{\"attributes\":{\"a\":2}}")
        .put("/twins/anon:write")
        .then()
        .statusCode(401);
    given()
        .contentType("application/merge-patch+json")
        .body("{\"attributes\":{\"a\":2}}")
        .patch("/twins/anon:open")
        .then()
        .statusCode(401);
    given().delete("/twins/anon:open").then().statusCode(401);
    given().get("/devices").then().statusCode(401);
    given().post("/devices/vib-1/revoke").then().statusCode(401);
    given().get("/q/metrics").then().statusCode(401);
    // a token still counts for what it holds: a reader cannot write either
    given()
        .header("Authorization", "Bearer " + EmbeddedBroker.tokens.token("r", "twin-reader"))
        .contentType(ContentType.JSON)
        .body("{}")
        .put("/twins/anon:write")
        .then()
        .statusCode(403);
  }
}
