package io.bdt.gateway.service;

import static io.restassured.RestAssured.given;
import static io.restassured.RestAssured.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bdt.gateway.access.AccessTable;
import io.bdt.gateway.access.Refusal;
import io.bdt.gateway.sim.DeviceSimulator;
import io.bdt.gateway.twin.TwinStore;
import io.bdt.pki.PlatformCa;
import io.bdt.pki.TlsContexts;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.Test;

/**
 * The attacks of issue 10, one definition for every broker: a subclass starts a real broker with
 * its access control and a real gateway managing it ({@link BrokerIdentityTest}: embedded HiveMQ CE
 * with the extension; {@link MosquittoIdentityTest}: Mosquitto 2 with dynamic security). Each
 * attack is refused by the broker and nothing reaches a twin; the gateway's {@code /q/metrics}
 * counts it under {@link #countedAs} (what that broker lets the gateway see).
 */
abstract class BrokerIdentityCases {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String GW = IdentityBroker.GATEWAY;
  static final String PROFILE_KEY = IdentityBroker.PROFILE_KEY;
  static final String PROFILE_SECRET = IdentityBroker.PROFILE_SECRET;

  /** The broker's URL. */
  abstract String url();

  /** Signs the operator's REST token. */
  abstract TestTokens tokens();

  /** The gateway's own MQTT password. */
  abstract String gatewayPassword();

  /**
   * The {@code bdt_access_refused_total} reason under which the gateway counts a refusal for {@code
   * reason} on this broker; empty when this broker does not tell the gateway.
   */
  abstract Optional<String> countedAs(Refusal.Reason reason);

  /** The topic on which this broker takes access commands, and a forged revocation of a device. */
  abstract String accessTopic();

  abstract byte[] forgedRevoke(String deviceId);

  /** TLS of this broker's {@link #url()} for clients; null for plain MQTT. */
  SSLSocketFactory tls() {
    return null;
  }

  /** A listener for certificate devices (mutual TLS, the CN is the device id) and its CA. */
  record CertificateListener(String url, PlatformCa ca) {}

  /** This test broker's listener for certificate devices. */
  abstract CertificateListener certificateListener();

  /** Client TLS trusting {@code ca}, presenting {@code cert} (with {@code key}) if given. */
  static SSLSocketFactory trusting(PlatformCa ca, Optional<Path> cert, Optional<Path> key) {
    try {
      return TlsContexts.fromPem(ca.certificateFile(), cert, key).getSocketFactory();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Inject TwinStore twins;

  @org.junit.jupiter.api.BeforeEach
  void operator() {
    // the REST calls here (read a device, revoke one) are an operator's
    io.restassured.RestAssured.requestSpecification =
        new io.restassured.builder.RequestSpecBuilder()
            .addHeader("Authorization", "Bearer " + tokens().token("ops", "operator"))
            .build();
  }

  @org.junit.jupiter.api.AfterEach
  void noOperator() {
    io.restassured.RestAssured.requestSpecification = null;
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  /** {@code bdt_access_refused_total{reason}} as the gateway's /q/metrics shows it. */
  static double metric(String reason) {
    String metrics = when().get("/q/metrics").then().statusCode(200).extract().asString();
    Matcher m =
        Pattern.compile(
                "bdt_access_refused_total\\{[^}]*reason=\"" + reason + "\"[^}]*\\} ([0-9.Ee+-]+)")
            .matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  /** Refusals counted so far under what {@code reasons} are counted as on this broker. */
  private double refused(Refusal.Reason... reasons) {
    return java.util.Arrays.stream(reasons)
        .map(this::countedAs)
        .flatMap(Optional::stream)
        .distinct()
        .mapToDouble(BrokerIdentityCases::metric)
        .sum();
  }

  /** Waits until the gateway counted one more of {@code reasons} (if this broker tells it). */
  private void awaitCounted(double before, Refusal.Reason... reasons) throws InterruptedException {
    if (java.util.Arrays.stream(reasons).map(this::countedAs).anyMatch(Optional::isPresent)) {
      await(
          java.util.Arrays.toString(reasons) + " counted in /q/metrics",
          () -> refused(reasons) > before);
    }
  }

  private DeviceSimulator provisioned(String deviceId) throws Exception {
    return DeviceSimulator.provisionAndConnect(
        url(), GW, PROFILE_KEY, PROFILE_SECRET, deviceId, tls());
  }

  private MqttClient raw(String username, String password) throws MqttException {
    MqttClient client = new MqttClient(url(), "raw-" + UUID.randomUUID(), new MemoryPersistence());
    MqttConnectionOptions options = new MqttConnectionOptions();
    options.setCleanStart(true);
    if (tls() != null) {
      options.setSocketFactory(tls());
    }
    if (username != null) {
      options.setUserName(username);
      options.setPassword(password.getBytes(StandardCharsets.UTF_8));
    }
    client.connect(options);
    return client;
  }

  /** Records the topic of every message {@code client} receives, in order. */
  private static java.util.List<String> recording(MqttClient client) {
    java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    client.setCallback(
        new org.eclipse.paho.mqttv5.client.MqttCallback() {
          @Override
          public void messageArrived(
              String topic, org.eclipse.paho.mqttv5.common.MqttMessage message) {
            seen.add(topic);
          }

          @Override
          public void disconnected(org.eclipse.paho.mqttv5.client.MqttDisconnectResponse r) {}

          @Override
          public void mqttErrorOccurred(MqttException exception) {}

          @Override
          public void deliveryComplete(org.eclipse.paho.mqttv5.client.IMqttToken token) {}

          @Override
          public void connectComplete(boolean reconnect, String serverURI) {}

          @Override
          public void authPacketArrived(
              int reasonCode, org.eclipse.paho.mqttv5.common.packet.MqttProperties props) {}
        });
    return seen;
  }

  private boolean twinHas(String deviceId, String property) {
    return twins
        .get("bdt:" + deviceId)
        .map(
            t ->
                t.features().containsKey("telemetry")
                    && t.features().get("telemetry").properties().has(property))
        .orElse(false);
  }

  private static ObjectNode props(String name, double value) {
    ObjectNode node = JSON.createObjectNode();
    node.put(name, value);
    return node;
  }

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

  /** A provisioning client subscribing to {@code filter} is refused (and counted). */
  void provisioningClientIsRefused(String filter) throws Exception {
    double before = refused(Refusal.Reason.FOREIGN_REPLY);
    MqttClient client = new MqttClient(url(), "prov-" + UUID.randomUUID(), new MemoryPersistence());
    MqttConnectionOptions options = new MqttConnectionOptions();
    options.setUserName(AccessTable.PROVISION_PREFIX + PROFILE_KEY);
    options.setPassword(PROFILE_SECRET.getBytes(StandardCharsets.UTF_8));
    if (tls() != null) {
      options.setSocketFactory(tls());
    }
    client.connect(options);
    try {
      try {
        client.subscribe(new String[] {filter}, new int[] {1});
      } catch (MqttException expected) {
        // refused
      }
      awaitCounted(before, Refusal.Reason.FOREIGN_REPLY);
    } finally {
      if (client.isConnected()) {
        client.disconnect();
      }
      client.close();
    }
  }

  @Test
  void disconnectsARevokedDeviceWithinOneSecondAndRefusesItsReconnect() throws Exception {
    DeviceSimulator device = provisioned("rev-1");
    String secret = "unused";
    try {
      assertThat(device.connected()).isTrue();
      Instant revokedAt = Instant.now();
      given().when().post("/devices/rev-1/revoke").then().statusCode(200);

      Instant deadline = revokedAt.plus(Duration.ofSeconds(1));
      while (device.connected() && Instant.now().isBefore(deadline)) {
        Thread.sleep(5);
      }
      assertThat(device.connected()).as("connected 1 s after the revocation").isFalse();
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
      double before = refused(Refusal.Reason.BAD_ACCESS_COMMAND, Refusal.Reason.PUBLISH_DENIED);
      try {
        forger.publishRaw(accessTopic(), forgedRevoke("forge-victim"), 1);
      } catch (MqttException expected) {
        // refused
      }
      awaitCounted(before, Refusal.Reason.BAD_ACCESS_COMMAND, Refusal.Reason.PUBLISH_DENIED);

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
      if (gateway.isConnected()) {
        gateway.disconnect();
      }
      gateway.close();
    }
  }

  /** A certificate issued by {@code ca} for {@code deviceId}, as {@code [cert, key]} files. */
  private static Path[] certificate(PlatformCa ca, String deviceId) throws java.io.IOException {
    Path dir = Files.createTempDirectory("bdt-device-cert");
    Path cert = dir.resolve(deviceId + ".pem");
    Path key = dir.resolve(deviceId + "-key.pem");
    ca.issueClient(deviceId, Duration.ofDays(1)).write(cert, key);
    return new Path[] {cert, key};
  }

  private static DeviceSimulator certificateDevice(
      CertificateListener listener, PlatformCa issuer, String deviceId) throws Exception {
    Path[] files = certificate(issuer, deviceId);
    return new DeviceSimulator(
        listener.url(),
        GW,
        deviceId + "-" + UUID.randomUUID(),
        null,
        null,
        trusting(listener.ca(), Optional.of(files[0]), Optional.of(files[1])));
  }

  /**
   * Mosquitto fails the handshake ("certificate verify failed", counted as untrusted-certificate);
   * HiveMQ names the CA it accepts, so the JDK client sends no certificate and is refused at
   * CONNECT (as anonymous).
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
    double before = refused(Refusal.Reason.UNTRUSTED_CERTIFICATE);

    assertThatThrownBy(() -> certificateDevice(listener, other, "cert-victim"))
        .isInstanceOf(MqttException.class);

    awaitCounted(before, Refusal.Reason.UNTRUSTED_CERTIFICATE);
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

        Instant revokedAt = Instant.now();
        given().when().post("/devices/cert-1/revoke").then().statusCode(200);
        while (device.connected() && Instant.now().isBefore(revokedAt.plusSeconds(1))) {
          Thread.sleep(5);
        }
        assertThat(device.connected()).as("connected 1 s after the revocation").isFalse();
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
      DeviceSimulator again = null;
      try {
        again = certificateDevice(listener, listener.ca(), "cert-1");
        again.publishJson("cert-1", props("afterRevoke", 1), new float[0], 1);
      } catch (MqttException refused) {
        // refused at CONNECT (HiveMQ) or at PUBLISH
      } finally {
        closeQuietly(again);
      }
      // the broker handled the refused publish before this one, and delivers in order
      witness.publishJson("cert-witness", props("genuine", 1), new float[0], 1);
      await("cert-witness's telemetry at the observer", () -> !seen.isEmpty());
      observer.disconnect();
      observer.close();
      assertThat(seen).containsExactly("bdt/" + GW + "/devices/cert-witness/telemetry");
      assertThat(twinHas("cert-witness", "forged")).isFalse();
      assertThat(twinHas("cert-1", "afterRevoke")).isFalse();
    }
  }

  private static void closeQuietly(DeviceSimulator device) {
    if (device == null) {
      return;
    }
    try {
      device.close();
    } catch (MqttException e) {
      // already disconnected by the broker
    }
  }
}
