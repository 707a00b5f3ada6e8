package io.bdt.gateway.service;

import static io.restassured.RestAssured.given;
import static io.restassured.RestAssured.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bdt.gateway.access.AccessTable;
import io.bdt.gateway.access.TopicPolicy;
import io.bdt.gateway.sim.DeviceSimulator;
import io.bdt.gateway.twin.TwinStore;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.Test;

/**
 * The attacks of issue 10 against the embedded HiveMQ CE broker with the device-identity extension
 * and a real gateway: each is refused by the broker, nothing reaches a twin, and the gateway's
 * {@code /q/metrics} counts it by reason.
 */
@QuarkusTest
@QuarkusTestResource(value = IdentityBroker.class, restrictToAnnotatedClass = true)
class BrokerIdentityTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String GW = IdentityBroker.GATEWAY;

  @Inject TwinStore twins;

  @org.junit.jupiter.api.BeforeEach
  void operator() {
    // the REST calls here (read a device, revoke one) are an operator's
    io.restassured.RestAssured.requestSpecification =
        new io.restassured.builder.RequestSpecBuilder()
            .addHeader("Authorization", "Bearer " + IdentityBroker.tokens.token("ops", "operator"))
            .build();
  }

  @org.junit.jupiter.api.AfterEach
  void noOperator() {
    io.restassured.RestAssured.requestSpecification = null;
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  /** {@code bdt_access_refused_total{reason}} as the gateway's /q/metrics shows it. */
  private static double refused(String reason) {
    String metrics = when().get("/q/metrics").then().statusCode(200).extract().asString();
    Matcher m =
        Pattern.compile(
                "bdt_access_refused_total\\{[^}]*reason=\"" + reason + "\"[^}]*\\} ([0-9.Ee+-]+)")
            .matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  private static void awaitRefusal(String reason, double before) throws InterruptedException {
    await("a " + reason + " refusal in /q/metrics", () -> refused(reason) > before);
  }

  private static DeviceSimulator provisioned(String deviceId) throws Exception {
    return DeviceSimulator.provisionAndConnect(
        IdentityBroker.url,
        GW,
        IdentityBroker.PROFILE_KEY,
        IdentityBroker.PROFILE_SECRET,
        deviceId,
        null);
  }

  private static MqttClient raw(String username, String password) throws MqttException {
    MqttClient client =
        new MqttClient(IdentityBroker.url, "raw-" + UUID.randomUUID(), new MemoryPersistence());
    MqttConnectionOptions options = new MqttConnectionOptions();
    options.setCleanStart(true);
    if (username != null) {
      options.setUserName(username);
      options.setPassword(password.getBytes(StandardCharsets.UTF_8));
    }
    client.connect(options);
    return client;
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
    double before = refused("anonymous");

    assertThatThrownBy(() -> raw(null, null)).isInstanceOf(MqttException.class);

    awaitRefusal("anonymous", before);
  }

  @Test
  void refusesADeviceWithAWrongPassword() throws Exception {
    provisioned("pw-1").close();
    double before = refused("wrong-secret");

    assertThatThrownBy(() -> raw("pw-1", "not-the-secret")).isInstanceOf(MqttException.class);

    awaitRefusal("wrong-secret", before);
  }

  @Test
  void refusesADevicePublishingToAnotherDevicesTopic() throws Exception {
    try (DeviceSimulator victim = provisioned("victim-1");
        DeviceSimulator attacker = provisioned("attacker-1")) {
      double before = refused("publish-denied");

      try {
        attacker.publishJson("victim-1", props("forged", 1), new float[0], 1);
      } catch (MqttException expected) {
        // HiveMQ answers NOT_AUTHORIZED (and may close the connection)
      }

      awaitRefusal("publish-denied", before);
      victim.publishJson("victim-1", props("genuine", 2), new float[0], 1);
      await("victim-1's own telemetry", () -> twinHas("victim-1", "genuine"));
      assertThat(twinHas("victim-1", "forged")).isFalse();
    }
  }

  @Test
  void refusesADeviceSubscribingToEverything() throws Exception {
    try (DeviceSimulator nosy = provisioned("nosy-1");
        DeviceSimulator other = provisioned("other-1")) {
      double before = refused("subscribe-denied");

      try {
        nosy.subscribe("#");
      } catch (MqttException expected) {
        // refused
      }
      awaitRefusal("subscribe-denied", before);
      other.publishJson("other-1", props("level", 3), new float[0], 1);
      await("other-1's telemetry in its twin", () -> twinHas("other-1", "level"));

      assertThat(nosy.received()).isEmpty();
    }
  }

  @Test
  void refusesAProvisioningClientReadingAnotherClientsReply() throws Exception {
    double before = refused("foreign-reply");
    MqttClient client =
        new MqttClient(IdentityBroker.url, "prov-" + UUID.randomUUID(), new MemoryPersistence());
    MqttConnectionOptions options = new MqttConnectionOptions();
    options.setUserName(AccessTable.PROVISION_PREFIX + IdentityBroker.PROFILE_KEY);
    options.setPassword(IdentityBroker.PROFILE_SECRET.getBytes(StandardCharsets.UTF_8));
    client.connect(options);
    try {
      try {
        client.subscribe(
            new String[] {"bdt/" + GW + "/provision/reply/someone-else"}, new int[] {1});
      } catch (MqttException expected) {
        // refused
      }
      awaitRefusal("foreign-reply", before);
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
    double before = refused("revoked-device");
    assertThatThrownBy(() -> raw("rev-1", secret)).isInstanceOf(MqttException.class);
    awaitRefusal("revoked-device", before);
  }

  @Test
  void refusesADeviceReplayingAnotherDevicesSparkplugPayloadOnThatDevicesTopic() throws Exception {
    try (DeviceSimulator owner = provisioned("spb-owner");
        DeviceSimulator replayer = provisioned("spb-replayer")) {
      owner.publishSparkplug("plant", GW, "spb-owner", 30.0, new float[0], 1);
      await("spb-owner's twin", () -> twinHas("spb-owner", "temperature"));
      double before = refused("publish-denied");

      try {
        replayer.publishSparkplug("plant", GW, "spb-owner", 99.0, new float[0], 1);
      } catch (MqttException expected) {
        // refused
      }

      awaitRefusal("publish-denied", before);
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
    try (DeviceSimulator device = provisioned("forger-1")) {
      double before = refused("bad-access-command") + refused("publish-denied");
      try {
        device.publishRaw(
            TopicPolicy.accessTopic(GW), "{\"op\":\"revoke\",\"deviceId\":\"ok-1\"}".getBytes(), 1);
      } catch (MqttException expected) {
        // refused
      }
      await(
          "the forged command refused",
          () -> refused("bad-access-command") + refused("publish-denied") > before);
    }
  }
}
