package io.bdt.gateway.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.bdt.gateway.access.DenialsPlugin;
import io.bdt.gateway.access.DynamicSecurityAccess;
import io.bdt.gateway.access.MosquittoDynsec;
import io.bdt.gateway.access.Refusal;
import io.bdt.gateway.mqtt.MessageCallback;
import io.bdt.gateway.sim.DeviceSimulator;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link BrokerIdentityCases} against Mosquitto 2 with the dynamic security plugin, managed by the
 * gateway over {@code $CONTROL/dynamic-security/v1}, and B-DT's {@link DenialsPlugin} loaded after
 * it; gateway, devices and provisioning clients connect over TLS, certificate devices to the
 * listener that requires a client certificate. Mosquitto refuses the same attacks; its log (on
 * {@code $SYS/broker/log/N} and {@code .../E}) tells the gateway of refused CONNECTs, but not why
 * (counted as {@code connect-refused}), of client certificates that failed verification ({@code
 * untrusted-certificate}) and of revoked certificate devices it let in on the certificate listener
 * ({@code revoked-device}, which the gateway then disconnects); the plugin tells it of denied
 * PUBLISHes and SUBSCRIBEs, counted under the reasons the HiveMQ extension uses, except the
 * provisioning role's explicit deny ACLs, which dynsec answers itself without asking the plugin.
 */
@QuarkusTest
@QuarkusTestResource(value = DynsecIdentityBroker.class, restrictToAnnotatedClass = true)
class MosquittoIdentityTest extends BrokerIdentityCases {

  @Override
  String url() {
    return DynsecIdentityBroker.broker.tlsUrl();
  }

  @Override
  SSLSocketFactory tls() {
    return trusting(DynsecIdentityBroker.broker.ca(), Optional.empty(), Optional.empty());
  }

  @Override
  CertificateListener certificateListener() {
    return new CertificateListener(
        DynsecIdentityBroker.broker.certificateUrl(), DynsecIdentityBroker.broker.ca());
  }

  @Override
  TestTokens tokens() {
    return DynsecIdentityBroker.tokens;
  }

  @Override
  String gatewayPassword() {
    return DynsecIdentityBroker.gatewayPassword;
  }

  @Override
  Optional<String> countedAs(Refusal.Reason reason) {
    return switch (reason) {
      case ANONYMOUS, UNKNOWN_CLIENT, WRONG_SECRET, REVOKED_DEVICE, CONNECT_REFUSED ->
          Optional.of(Refusal.Reason.CONNECT_REFUSED.tag());
      case UNTRUSTED_CERTIFICATE,
          PUBLISH_DENIED,
          SUBSCRIBE_DENIED,
          FOREIGN_REPLY,
          BAD_ACCESS_COMMAND,
          RECEIVE_DENIED,
          UNSUBSCRIBE_DENIED ->
          Optional.of(reason.tag());
    };
  }

  /**
   * The provisioning role's deny ACLs (the wildcard reply filters; {@code DynsecCommands}) are
   * answered by dynsec itself, so the plugin after it never sees them.
   */
  @Override
  boolean countsRefusedReplyFilter(String filter) {
    return !Set.of(
            "bdt/" + GW + "/provision/reply/+", "bdt/+/provision/reply/+", "bdt/provision/reply/+")
        .contains(filter);
  }

  /**
   * A device publishing to a hundred other devices' topics ten times each (1,000 denied PUBLISHes),
   * at QoS 0 and at QoS 1: the plugin reports them at most once a second, listing 32 (client,
   * topic) pairs per report and the rest as unlisted; the reports' counts add up to exactly every
   * denial, and the gateway counts them all in {@code publish-denied}. (Mosquitto 2.0.11 asks the
   * plugins about every PUBLISH it reads, before it looks at QoS or duplicates: {@code
   * handle_publish.c}. A QoS 1 flood from a bare Paho 1.2.5 client loses publishes on the client's
   * side, which the simulator's client retries: {@code DeviceSimulator}'s {@code BoundedClient}.)
   */
  @ParameterizedTest(name = "QoS {0}")
  @ValueSource(ints = {0, 1})
  @Timeout(180)
  void reportsAFloodOfDeniedPublishesAtMostOnceASecondWithExactTotals(int qos) throws Exception {
    int topics = 100;
    int rounds = 10;
    String flooder = "flood-q" + qos;
    List<JsonNode> reports = new CopyOnWriteArrayList<>();
    MqttClient admin =
        raw(
            MosquittoDynsec.ADMIN,
            Files.readAllLines(DynsecIdentityBroker.broker.adminPasswordFile()).getFirst());
    try (DeviceSimulator device = provisioned(flooder)) {
      admin.setCallback(
          new MessageCallback() {
            @Override
            public void messageArrived(String topic, MqttMessage message) throws Exception {
              reports.add(JSON.readTree(message.getPayload()));
            }
          });
      admin.subscribe(new String[] {DenialsPlugin.REPORT}, new int[] {1});
      double before = refused(Refusal.Reason.PUBLISH_DENIED);
      long started = System.nanoTime();
      for (int round = 0; round < rounds; round++) {
        for (int t = 0; t < topics; t++) {
          device.publishJson("victim-" + t, props("forged", round), new float[0], qos);
        }
        // its own telemetry is allowed by its dynsec role: the plugin is never asked about it
        device.publishJson(flooder, props("own", round), new float[0], qos);
      }
      await(
          "every denial reported",
          () -> denials(reports, flooder) + unlistedWrites(reports) >= topics * rounds);
      double seconds = (System.nanoTime() - started) / 1e9;

      assertThat(denials(reports, flooder) + unlistedWrites(reports)).isEqualTo(topics * rounds);
      assertThat(reports).hasSizeLessThanOrEqualTo((int) Math.ceil(seconds) + 1);
      assertThat(reports)
          .allSatisfy(r -> assertThat(r.path("denied").size()).isLessThanOrEqualTo(32));
      assertThat(reports.toString()).doesNotContain("devices/" + flooder + "/");
      await(flooder + "'s own telemetry in its twin", () -> twinHas(flooder, "own"));
      // (at least: a report of an earlier case's denial may land after "before"; that the gateway
      // counts a report exactly is AccessRefusalsTest's)
      await(
          "the gateway counted them",
          () -> refused(Refusal.Reason.PUBLISH_DENIED) >= before + topics * rounds);
    } finally {
      DeviceSimulator.disconnectAndClose(admin);
    }
  }

  /** What the reports list as {@code username}'s denied writes. */
  private static long denials(List<JsonNode> reports, String username) {
    long n = 0;
    for (JsonNode report : reports) {
      for (JsonNode d : report.path("denied")) {
        if (d.path("username").asText("").equals(username)
            && d.path("access").asText().equals("write")) {
          n += d.path("count").asLong();
        }
      }
    }
    return n;
  }

  private static long unlistedWrites(List<JsonNode> reports) {
    return reports.stream().mapToLong(r -> r.path("unlisted").path("write").asLong()).sum();
  }

  @Override
  String accessTopic() {
    return DynamicSecurityAccess.CONTROL;
  }

  @Override
  byte[] forgedRevoke(String deviceId) {
    return ("{\"commands\":[{\"command\":\"disableClient\",\"username\":\"" + deviceId + "\"}]}")
        .getBytes(StandardCharsets.UTF_8);
  }
}
