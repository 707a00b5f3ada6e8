package io.bdt.gateway.service;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bdt.gateway.access.AccessTable;
import io.bdt.gateway.access.Refusal;
import io.bdt.gateway.sim.DeviceSimulator;
import io.bdt.pki.PlatformCa;
import io.bdt.pki.TlsContexts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.Test;

/**
 * The attacks of issue 10, one definition for every broker: a subclass starts a real broker with
 * its access control and a real gateway managing it ({@link BrokerIdentityTest}: embedded HiveMQ CE
 * with the extension; {@link MosquittoIdentityTest}: Mosquitto 2 with dynamic security). Each
 * attack is refused by the broker and nothing reaches a twin; the gateway's {@code /q/metrics}
 * counts it under {@link #countedAs} (what that broker lets the gateway see).
 */
abstract class BrokerIdentityCases extends BrokerIdentityClients {
  @Test
  void deviceConnectsWithItsIssuedCredentialsAndItsTelemetryReachesItsTwin() throws Exception {
    try (DeviceSimulator device = provisioned("ok-1")) {
      device.publishJson("ok-1", props("temperature", 41.5), new float[0], 1);

      await("ok-1's twin", () -> twinHas("ok-1", "temperature"));
    }
    given().when().get("/devices/ok-1").then().statusCode(200);
    String stored = given().when().get("/devices/ok-1").then().extract().path("credentialHash");
    assertThat(stored).startsWith("pbkdf2-sha256$");
  }

  @Test
  void refusesAnAnonymousClient() throws Exception {
    double before = refused(Refusal.Reason.ANONYMOUS);

    assertThatThrownBy(() -> raw(null, null)).isInstanceOf(MqttException.class);

    awaitCounted(before, Refusal.Reason.ANONYMOUS);
  }

  @Test
  void refusesADeviceWithAWrongPassword() throws Exception {
    provisioned("pw-1").close();
    double before = refused(Refusal.Reason.WRONG_SECRET);

    assertThatThrownBy(() -> raw("pw-1", "not-the-secret")).isInstanceOf(MqttException.class);

    awaitCounted(before, Refusal.Reason.WRONG_SECRET);
  }

  @Test
  void refusesADevicePublishingToAnotherDevicesTopic() throws Exception {
    try (DeviceSimulator victim = provisioned("victim-1");
        DeviceSimulator attacker = provisioned("attacker-1")) {
      double before = refused(Refusal.Reason.PUBLISH_DENIED);

      try {
        attacker.publishJson("victim-1", props("forged", 1), new float[0], 1);
      } catch (MqttException expected) {
        // HiveMQ answers NOT_AUTHORIZED (and may close the connection)
      }

      awaitCounted(before, Refusal.Reason.PUBLISH_DENIED);
      victim.publishJson("victim-1", props("genuine", 2), new float[0], 1);
      await("victim-1's own telemetry", () -> twinHas("victim-1", "genuine"));
      assertThat(twinHas("victim-1", "forged")).isFalse();
    }
  }

  @Test
  void refusesADeviceSubscribingToEverything() throws Exception {
    try (DeviceSimulator nosy = provisioned("nosy-1");
        DeviceSimulator other = provisioned("other-1")) {
      double before = refused(Refusal.Reason.SUBSCRIBE_DENIED);

      try {
        nosy.subscribe("#");
      } catch (MqttException expected) {
        // refused
      }
      awaitCounted(before, Refusal.Reason.SUBSCRIBE_DENIED);
      other.publishJson("other-1", props("level", 3), new float[0], 1);
      await("other-1's telemetry in its twin", () -> twinHas("other-1", "level"));

      assertThat(nosy.received()).isEmpty();
    }
  }

  @Test
  void refusesAProvisioningClientReadingEveryReply() throws Exception {
    provisioningClientIsRefused("bdt/" + GW + "/provision/reply/+");
  }

  @Test
  void refusesAProvisioningClientReadingEveryReplyOfAnotherGateway() throws Exception {
    provisioningClientIsRefused("bdt/gw-elsewhere/provision/reply/+");
  }

  @Test
  void refusesAProvisioningClientReadingEveryReplyBelowItsGatewaysReplyTopic() throws Exception {
    provisioningClientIsRefused("bdt/" + GW + "/provision/reply/#");
  }

  /**
   * A profile holder that knows another provisioning client's id (the broker logs it at every
   * connect) subscribes to the reply topic that id would have named under the former protocol, and
   * to the new id's one without its nonce: the requester gets its device secret, the other client
   * nothing (HiveMQ refuses both subscriptions; Mosquitto accepts them, but no reply is published
   * there: the reply topic ends in a nonce only the requester and the gateway know).
   */
  @Test
  void aProvisioningClientThatKnowsAnotherClientsIdReadsNoneOfItsReplies() throws Exception {
    try (DeviceSimulator victim =
            DeviceSimulator.provisioningClient(url(), GW, PROFILE_KEY, PROFILE_SECRET, tls());
        DeviceSimulator snoop =
            DeviceSimulator.provisioningClient(url(), GW, PROFILE_KEY, PROFILE_SECRET, tls())) {
      String prefix = "bdt/" + GW + "/provision/reply/" + victim.clientId();
      for (String filter : new String[] {prefix, prefix + "."}) {
        try {
          snoop.subscribe(filter);
        } catch (MqttException refused) {
          // the embedded broker: not one of its own request ids
        }
      }
      com.fasterxml.jackson.databind.JsonNode reply =
          victim.provision(PROFILE_KEY, PROFILE_SECRET, "snooped-1");
      assertThat(reply.path("status").asText()).isEqualTo("provisioned");
      assertThat(reply.path("requestId").asText()).startsWith(victim.clientId() + ".");
      // the snoop's own exchange comes after the victim's reply from the same gateway: a copy of
      // that reply would have reached the snoop first (and been taken for its own answer)
      com.fasterxml.jackson.databind.JsonNode own =
          snoop.provision(PROFILE_KEY, PROFILE_SECRET, "snoop-own");
      assertThat(own.path("deviceId").asText()).isEqualTo("snoop-own");
      assertThat(snoop.received()).isEmpty();
    }
  }

  @Test
  void disconnectsARevokedDeviceWithinOneSecondAndRefusesItsReconnect() throws Exception {
    DeviceSimulator device = provisioned("rev-1");
    String secret = "unused";
    try {
      assertThat(device.connected()).isTrue();
      revokeAndAssertDisconnectedWithinOneSecond("rev-1", device);
    } finally {
      try {
        device.close();
      } catch (MqttException e) {
        // already disconnected by the broker
      }
    }
    double before = refused(Refusal.Reason.REVOKED_DEVICE);
    assertThatThrownBy(() -> raw("rev-1", secret)).isInstanceOf(MqttException.class);
    awaitCounted(before, Refusal.Reason.REVOKED_DEVICE);
  }

  @Test
  void refusesADeviceReplayingAnotherDevicesSparkplugPayloadOnThatDevicesTopic() throws Exception {
    try (DeviceSimulator owner = provisioned("spb-owner");
        DeviceSimulator replayer = provisioned("spb-replayer")) {
      owner.publishSparkplug("plant", GW, "spb-owner", 30.0, new float[0], 1);
      await("spb-owner's twin", () -> twinHas("spb-owner", "temperature"));
      double before = refused(Refusal.Reason.PUBLISH_DENIED);

      try {
        replayer.publishSparkplug("plant", GW, "spb-owner", 99.0, new float[0], 1);
      } catch (MqttException expected) {
        // refused
      }

      awaitCounted(before, Refusal.Reason.PUBLISH_DENIED);
      assertThat(
              twins
                  .get("bdt:spb-owner")
                  .orElseThrow()
                  .features()
                  .get("telemetry")
                  .properties()
                  .path("temperature")
                  .asDouble())
          .isEqualTo(30.0);
    }
  }

  @Test
  void refusesADeviceForgingTheGatewaysAccessCommands() throws Exception {
    try (DeviceSimulator victim = provisioned("forge-victim");
        DeviceSimulator forger = provisioned("forger-1")) {
      double before = refused(Refusal.Reason.BAD_ACCESS_COMMAND);
      try {
        forger.publishRaw(accessTopic(), forgedRevoke("forge-victim"), 1);
      } catch (MqttException expected) {
        // refused
      }
      awaitCounted(before, Refusal.Reason.BAD_ACCESS_COMMAND);

      victim.publishJson("forge-victim", props("still", 1), new float[0], 1);
      await("forge-victim's telemetry after the forgery", () -> twinHas("forge-victim", "still"));
      assertThat(victim.connected()).isTrue();
    }
  }

  @Test
  void confinesTheGatewaysOwnClientToItsOwnDevices() throws Exception {
    MqttClient gateway = raw(AccessTable.GATEWAY_PREFIX + GW, gatewayPassword());
    try (DeviceSimulator device = provisioned("gw-scope-1")) {
      double before = refused(Refusal.Reason.SUBSCRIBE_DENIED);
      java.util.List<String> seen = recording(gateway);
      try {
        // the array form: Paho 1.2.5's subscribe with listeners recurses forever
        gateway.subscribe(new String[] {"#", "bdt/other-gw/devices/+/telemetry"}, new int[] {1, 1});
      } catch (MqttException expected) {
        // refused
      }
      awaitCounted(before, Refusal.Reason.SUBSCRIBE_DENIED);
      device.publishJson("gw-scope-1", props("scoped", 1), new float[0], 1);
      await("gw-scope-1's telemetry in its twin", () -> twinHas("gw-scope-1", "scoped"));

      assertThat(seen).isEmpty();
    } finally {
      DeviceSimulator.disconnectAndClose(gateway);
    }
  }

  /**
   * A client that presents a certificate of another CA (CN a provisioned device) fails the TLS
   * handshake on both brokers and is counted as untrusted-certificate: Mosquitto logs "certificate
   * verify failed", HiveMQ its handshake failure (a JDK client left to choose sends no certificate
   * to HiveMQ, which names the CA it accepts, and is refused at CONNECT as anonymous instead; this
   * one presents it as OpenSSL clients do).
   */
  @Test
  void refusesAClientCertificateOfAnotherCaForAProvisionedDevice() throws Exception {
    CertificateListener listener = certificateListener();
    provisioned("cert-victim").close();
    PlatformCa other =
        PlatformCa.openOrCreate(
            Files.createTempDirectory("bdt-other-ca"),
            "another CA",
            Duration.ofDays(1),
            Clock.systemUTC());
    Path[] files = certificate(other, "cert-victim");
    double before = refused(Refusal.Reason.UNTRUSTED_CERTIFICATE);

    assertThatThrownBy(
            () ->
                new DeviceSimulator(
                    listener.url(),
                    GW,
                    "cert-victim-" + UUID.randomUUID(),
                    null,
                    null,
                    TlsContexts.presenting(listener.ca().certificateFile(), files[0], files[1])
                        .getSocketFactory()))
        .isInstanceOf(MqttException.class);

    awaitCounted(before, Refusal.Reason.UNTRUSTED_CERTIFICATE);
    assertThat(refused(Refusal.Reason.UNTRUSTED_CERTIFICATE)).isGreaterThan(before);
  }

  @Test
  void aCertificateDeviceActsAsTheDeviceItsCertificateNamesUntilItIsRevoked() throws Exception {
    CertificateListener listener = certificateListener();
    provisioned("cert-1").close();
    try (DeviceSimulator witness = provisioned("cert-witness")) {
      // the broker takes it for cert-1: another device's topic is refused (HiveMQ also cuts the
      // connection off, so this is a connection of its own)
      DeviceSimulator forger = certificateDevice(listener, listener.ca(), "cert-1");
      try {
        forger.publishJson("cert-witness", props("forged", 1), new float[0], 1);
      } catch (MqttException expected) {
        // refused
      } finally {
        closeQuietly(forger);
      }
      DeviceSimulator device = certificateDevice(listener, listener.ca(), "cert-1");
      try {
        device.publishJson("cert-1", props("certified", 1), new float[0], 1);
        await("cert-1's telemetry by certificate", () -> twinHas("cert-1", "certified"));

        revokeAndAssertDisconnectedWithinOneSecond("cert-1", device);
      } finally {
        closeQuietly(device);
      }
      // the gateway drops a revoked device's telemetry itself: whether the broker refused it shows
      // only to a subscriber of its own, the gateway's service account
      MqttClient observer = raw(AccessTable.GATEWAY_PREFIX + GW, gatewayPassword());
      java.util.List<String> seen = recording(observer);
      observer.subscribe(new String[] {"bdt/" + GW + "/devices/+/telemetry"}, new int[] {1});
      // Mosquitto 2.0.11 lets a disabled client in on a certificate listener (it does not ask the
      // plugin to log it in), but its role is gone: what it publishes is refused
      double revokedBefore = metric(Refusal.Reason.REVOKED_DEVICE.tag());
      DeviceSimulator again = null;
      try {
        again = certificateDevice(listener, listener.ca(), "cert-1");
        again.publishJson("cert-1", props("afterRevoke", 1), new float[0], 1);
      } catch (MqttException refused) {
        // refused at CONNECT (HiveMQ) or at PUBLISH
      } finally {
        closeQuietly(again);
      }
      // refused at CONNECT (HiveMQ), or let in and disconnected by the gateway (Mosquitto): counted
      await(
          "the revoked certificate device counted",
          () -> metric(Refusal.Reason.REVOKED_DEVICE.tag()) > revokedBefore);
      // the broker handled the refused publish before this one, and delivers in order
      witness.publishJson("cert-witness", props("genuine", 1), new float[0], 1);
      await("cert-witness's telemetry at the observer", () -> !seen.isEmpty());
      DeviceSimulator.disconnectAndClose(observer);
      assertThat(seen).containsExactly("bdt/" + GW + "/devices/cert-witness/telemetry");
      assertThat(twinHas("cert-witness", "forged")).isFalse();
      assertThat(twinHas("cert-1", "afterRevoke")).isFalse();
    }
  }
}
