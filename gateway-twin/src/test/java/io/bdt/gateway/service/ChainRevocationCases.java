package io.bdt.gateway.service;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * gateway's account, or another registered gateway with its own key, sends {@code revokeDevice}),
 * is disconnected at the broker and refused from then on, within one second of its block being
 * readable on the gateway's node. One definition for both brokers ({@link ChainRevocationTest}:
 * HiveMQ + extension, {@link MosquittoChainRevocationTest}: Mosquitto + dynamic security).
 */
abstract class ChainRevocationCases {

  static final String GW = IdentityBroker.GATEWAY;

  /** The broker's URL. */
  abstract String url();

  /** Signs the operator's REST token. */
  abstract TestTokens tokens();

  /** A device provisioned through the gateway, connected, and registered on chain. */
  record OnChain(DeviceSimulator device, String secret, byte[] chainId) {}

  private OnChain connectedAndRegistered(String deviceId) throws Exception {
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
    byte[] chainId = ChainDeviceLedger.chainDeviceId(deviceId);
    // The gateway's outbox registers the device too; under Quarkus' test class loaders web3j cannot
    // decode DeviceRegistry.Device (the outbox's first read), so this test registers it itself
    // from the gateway's account, as a second instance of the gateway would.
    try {
      ChainBroker.chain
          .registry(TestChain.GATEWAY)
          .registerDevice(chainId, credentialHash(secret), "vibration-sensor")
          .send();
    } catch (org.web3j.protocol.exceptions.TransactionException alreadyRegistered) {
      // the outbox was first
    }
    return new OnChain(device, secret, chainId);
  }

  private static byte[] credentialHash(String secret) {
    return org.web3j.crypto.Hash.sha3(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  @Timeout(120)
  void deviceRevokedOnChainIsDisconnectedAndRefusedWithinOneSecond() throws Exception {
    String deviceId = "chain-rev-1";
    OnChain onChain = connectedAndRegistered(deviceId);
    revokedOnChainIsDisconnectedAndRefused(
        deviceId, onChain, ChainBroker.chain.registry(TestChain.GATEWAY));
  }

  /**
   * Revocation is open to every registered gateway (DeviceRegistry): another gateway, with its own
   * key, revokes this gateway's device, and this gateway's revocation watch disconnects and refuses
   * it at the broker within one second, as for a revocation of its own.
   */
  @Test
  @Timeout(120)
  void anotherRegisteredGatewayRevokesThisGatewaysDeviceWhichIsDisconnectedWithinOneSecond()
      throws Exception {
    String deviceId = "chain-rev-other";
    OnChain onChain = connectedAndRegistered(deviceId);
    DeviceRegistry asOther = ChainBroker.chain.registry(TestChain.OTHER_GATEWAY);
    // (the owner stays on record: DeviceRegistryTest; web3j cannot decode Device structs under
    // Quarkus' test class loaders)
    revokedOnChainIsDisconnectedAndRefused(deviceId, onChain, asOther);
  }

  private void revokedOnChainIsDisconnectedAndRefused(
      String deviceId, OnChain onChain, DeviceRegistry revoker) throws Exception {
    DeviceSimulator device = onChain.device();
    assertThat(device.connected()).isTrue();

    revoker.revokeDevice(onChain.chainId()).send();
    // the receipt is readable once the gateway's node has imported the block
    Instant imported = Instant.now();
    Instant giveUp = imported.plus(Duration.ofSeconds(30));
    while (device.connected() && Instant.now().isBefore(giveUp)) {
      Thread.sleep(5);
    }
    Duration latency = Duration.between(imported, Instant.now());
    System.out.printf(
        "%s revoked on chain -> disconnected at %s: %d ms%n", deviceId, url(), latency.toMillis());

    assertThat(device.connected()).as("connected 30 s after the revocation").isFalse();
    assertThat(latency).isLessThanOrEqualTo(Duration.ofSeconds(1));
    try {
      device.close();
    } catch (MqttException e) {
      // already disconnected by the broker
    }
    assertThatThrownBy(
            () -> DeviceSimulator.device(url(), GW, deviceId, onChain.secret(), null).close())
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

  /**
   * A key that is neither a registered gateway nor DeviceRegistry's admin cannot revoke: reverted
   * on chain, and the device stays connected and trusted.
   */
  @Test
  @Timeout(120)
  void anUnregisteredKeyCannotRevokeThisGatewaysDevice() throws Exception {
    String deviceId = "chain-rev-outsider";
    OnChain onChain = connectedAndRegistered(deviceId);
    try (DeviceSimulator device = onChain.device()) {
      DeviceRegistry asOutsider = ChainBroker.chain.registry(TestChain.OUTSIDER);

      assertThatThrownBy(() -> asOutsider.revokeDevice(onChain.chainId()).send())
          .isInstanceOf(org.web3j.protocol.exceptions.TransactionException.class);

      // reverted: no DeviceRevoked log for the gateway's watch, the device still trusted on chain;
      // its telemetry sent afterwards reaches the twin and the gateway keeps it unrevoked
      ObjectNode reading = new ObjectMapper().createObjectNode().put("afterForeignRevoke", 1);
      device.publishJson(deviceId, reading, new float[0], 1);
      Instant giveUp = Instant.now().plus(Duration.ofSeconds(30));
      while (!twinHas(deviceId, "afterForeignRevoke") && Instant.now().isBefore(giveUp)) {
        Thread.sleep(20);
      }
      assertThat(twinHas(deviceId, "afterForeignRevoke")).isTrue();
      assertThat(device.connected()).isTrue();
      assertThat(
              asOutsider
                  .isCredentialValid(onChain.chainId(), credentialHash(onChain.secret()))
                  .send())
          .isTrue();
      given()
          .header("Authorization", "Bearer " + tokens().token("ops", "operator"))
          .when()
          .get("/devices/" + deviceId)
          .then()
          .statusCode(200)
          .body("revoked", org.hamcrest.Matchers.is(false));
    }
  }

  private boolean twinHas(String deviceId, String property) {
    var twin =
        given()
            .header("Authorization", "Bearer " + tokens().token("ops", "operator"))
            .when()
            .get("/twins/bdt:" + deviceId)
            .then()
            .extract();
    return twin.statusCode() == 200
        && twin.jsonPath().get("features.telemetry.properties." + property) != null;
  }
}
