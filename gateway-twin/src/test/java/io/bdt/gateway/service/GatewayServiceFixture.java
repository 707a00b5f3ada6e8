package io.bdt.gateway.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bdt.gateway.sim.DeviceSimulator;
import io.bdt.gateway.twin.TwinStore;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What every gateway service test starts from: an operator's REST session (every role; {@link
 * GatewayAuthTest} covers the refusals) and one simulated device on the {@link EmbeddedBroker},
 * opened before each test and closed after it, with the twin store to look into.
 *
 * <p>The classes that extend it share one gateway: they name the same test resource in {@link
 * io.quarkus.test.common.TestResourceScope#MATCHING_RESOURCES} scope, so Quarkus boots once for all
 * of them. Each test provisions devices of its own and puts back what it changes on the test access
 * point; only {@link GatewayInferenceTest} runs inference, which trains the gateway's estimator.
 */
abstract class GatewayServiceFixture {
  static final ObjectMapper JSON = new ObjectMapper();

  @Inject TwinStore twins;

  DeviceSimulator device;

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

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  String provisioned(String deviceId) throws Exception {
    JsonNode reply = device.provision("vib-key", "vib-secret", deviceId);
    assertThat(reply.path("status").asText()).isEqualTo("provisioned");
    return reply.path("deviceId").asText();
  }
}
