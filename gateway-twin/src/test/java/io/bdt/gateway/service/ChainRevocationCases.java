package io.bdt.gateway.service;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.bdt.contracts.generated.DeviceRegistry;
import io.bdt.gateway.chain.ChainDeviceLedger;
import io.bdt.gateway.chain.TestChain;
import io.bdt.gateway.sim.DeviceSimulator;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A device revoked in DeviceRegistry on chain, outside this gateway (another client holding the
 * gateway's account sends {@code revokeDevice}), is disconnected at the broker and refused from
 * then on, within one second of its block being readable on the gateway's node. One definition for
 * both brokers ({@link ChainRevocationTest}: HiveMQ + extension, {@link
 * MosquittoChainRevocationTest}: Mosquitto + dynamic security).
 */
abstract class ChainRevocationCases {

  static final String GW = IdentityBroker.GATEWAY;

  /** The broker's URL. */
  abstract String url();

  /** Signs the operator's REST token. */
  abstract TestTokens tokens();

  @Test
  @Timeout(120)
  void deviceRevokedOnChainIsDisconnectedAndRefusedWithinOneSecond() throws Exception {
    String deviceId = "chain-rev-1";
    JsonNode reply;
    try (DeviceSimulator provisioning =
        DeviceSimulator.provisioningClient(
            url(), GW, IdentityBroker.PROFILE_KEY, IdentityBroker.PROFILE_SECRET, null)) {
      reply =
          provisioning.provision(
              IdentityBroker.PROFILE_KEY, IdentityBroker.PROFILE_SECRET, deviceId);
    }
    String secret = reply.path("deviceSecret").asText();
    DeviceSimulator device = DeviceSimulator.device(url(), GW, deviceId, secret, null);
    DeviceRegistry registry = ChainBroker.chain.registry(TestChain.GATEWAY);
    byte[] chainId = ChainDeviceLedger.chainDeviceId(deviceId);
    // The gateway's outbox registers the device too; under Quarkus' test class loaders web3j cannot
    // decode DeviceRegistry.Device (the outbox's first read), so this test registers it itself
    // from the gateway's account, as a second instance of the gateway would.
    try {
      registry
          .registerDevice(
              chainId,
              org.web3j.crypto.Hash.sha3(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
              "vibration-sensor")
          .send();
    } catch (org.web3j.protocol.exceptions.TransactionException alreadyRegistered) {
      // the outbox was first
    }
    assertThat(device.connected()).isTrue();

    registry.revokeDevice(chainId).send();
    // the receipt is readable once the gateway's node has imported the block
    Instant imported = Instant.now();
    Instant giveUp = imported.plus(Duration.ofSeconds(30));
    while (device.connected() && Instant.now().isBefore(giveUp)) {
      Thread.sleep(5);
    }
    Duration latency = Duration.between(imported, Instant.now());
    System.out.printf("revoked on chain -> disconnected at %s: %d ms%n", url(), latency.toMillis());

    assertThat(device.connected()).as("connected 30 s after the revocation").isFalse();
    assertThat(latency).isLessThanOrEqualTo(Duration.ofSeconds(1));
    try {
      device.close();
    } catch (MqttException e) {
      // already disconnected by the broker
    }
    assertThatThrownBy(() -> DeviceSimulator.device(url(), GW, deviceId, secret, null).close())
        .as("reconnect with the right secret after the revocation")
        .isInstanceOf(MqttException.class);
    given()
        .header("Authorization", "Bearer " + tokens().token("ops", "operator"))
        .when()
        .get("/devices/" + deviceId)
        .then()
        .statusCode(200)
        .body("revoked", org.hamcrest.Matchers.is(true));
  }
}
