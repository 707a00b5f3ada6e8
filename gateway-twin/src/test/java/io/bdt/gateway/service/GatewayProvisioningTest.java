package io.bdt.gateway.service;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bdt.gateway.sim.DeviceSimulator;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Devices provision over MQTT through the gateway they address: credentials issued and the device
 * recorded there only; unknown profiles, wrong secrets, revoked devices, malformed and unaddressed
 * requests refused.
 */
@QuarkusTest
@WithTestResource(value = EmbeddedBroker.class, scope = TestResourceScope.MATCHING_RESOURCES)
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class GatewayProvisioningTest extends GatewayServiceFixture {
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
                .request(
                    io.bdt.gateway.access.RequestId.create(
                        device.clientId(), new java.security.SecureRandom()),
                    "not json".getBytes(StandardCharsets.UTF_8))
                .path("reason")
                .asText())
        .isEqualTo("MALFORMED_REQUEST");
    // a request id without a nonce (its client id, as before): no secret on a topic others know
    ObjectNode request = new ObjectMapper().createObjectNode();
    request.put("provisioningKey", "vib-key");
    request.put("provisioningSecret", "vib-secret");
    request.put("deviceId", "x4");
    assertThat(
            device
                .request(device.clientId(), new ObjectMapper().writeValueAsBytes(request))
                .path("reason")
                .asText())
        .isEqualTo("REQUEST_ID_WITHOUT_NONCE");
    given().get("/devices/x4").then().statusCode(404);
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
}
