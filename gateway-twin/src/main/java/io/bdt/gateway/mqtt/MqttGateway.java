package io.bdt.gateway.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bdt.gateway.GatewayConfig;
import io.bdt.gateway.ProfileSecrets;
import io.bdt.gateway.access.BrokerAccess;
import io.bdt.gateway.access.DynamicSecurityAccess;
import io.bdt.gateway.access.ExtensionAccess;
import io.bdt.gateway.access.Refusal;
import io.bdt.gateway.access.TopicPolicy;
import io.bdt.gateway.device.DeviceLedger;
import io.bdt.gateway.device.DeviceRecord;
import io.bdt.gateway.device.DeviceRevoked;
import io.bdt.gateway.device.Provisioner;
import io.bdt.gateway.device.ProvisioningOutcome;
import io.bdt.gateway.device.SecretHash;
import io.bdt.gateway.ingest.RejectReason;
import io.bdt.gateway.ingest.SparkplugHost;
import io.bdt.gateway.ingest.TelemetryIngest;
import io.bdt.gateway.storage.StorageUnavailableException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.jboss.logging.Logger;

/**
 * The gateway's MQTT side: subscribes to the provisioning requests addressed to this gateway, JSON
 * telemetry and Sparkplug B DDATA, routes each message by topic, and publishes provisioning
 * replies. Topics are listed in docs/gateway-twin.md.
 *
 * <p>Provisioning requests carry the gateway id in their topic, so only the addressed gateway
 * answers and registers the device (with a shared request topic every gateway answered and the
 * first to reach DeviceRegistry owned the device). Requests on the former shared topic are refused
 * with {@code UNADDRESSED_REQUEST} on the former reply topic, so a device that still uses it learns
 * why instead of waiting; nothing is registered.
 *
 * <p>The gateway keeps one persistent session (a stable client id, {@code
 * bdt.gateway.mqtt.session-expiry}), so the broker queues QoS 1 telemetry while it is down or
 * restarting, and it acknowledges a QoS 1 message only once the twin update it made is on disk
 * ({@link TelemetryIngest#whenDurable}): a crash, even {@code kill -9}, loses no acknowledged
 * message; the broker redelivers the unacknowledged ones (duplicates, docs/reliability.md).
 */
@ApplicationScoped
public class MqttGateway {

  private static final Logger LOG = Logger.getLogger(MqttGateway.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The former shared request topic {@code bdt/provision/request/{requestId}}: refused. */
  public static final String UNADDRESSED_REQUEST = "bdt/provision/request/";

  /** Replies to requests on {@link #UNADDRESSED_REQUEST}: {@code bdt/provision/reply/{id}}. */
  public static final String UNADDRESSED_REPLY = "bdt/provision/reply/";

  /** Provisioning requests to gateway {@code gatewayId}: {@code + "{requestId}"}. */
  public static String provisionRequestPrefix(String gatewayId) {
    return "bdt/" + gatewayId + "/provision/request/";
  }

  /** Provisioning replies of gateway {@code gatewayId}: {@code + "{requestId}"}. */
  public static String provisionReplyPrefix(String gatewayId) {
    return "bdt/" + gatewayId + "/provision/reply/";
  }

  private final GatewayConfig config;
  private final Provisioner provisioner;
  private final TelemetryIngest ingest;
  private final SparkplugHost sparkplug;
  private final String telemetryPrefix;
  private final String requestPrefix;
  private final String replyPrefix;
  private final MeterRegistry meters;
  private final DeviceLedger ledger;
  private final BrokerAccess access;
  private final Counter reconnects;
  private volatile MqttAsyncClient client;
  private final AtomicBoolean pausedForStorage = new AtomicBoolean();
  private final Counter storagePauses;
  private volatile boolean stopping;

  public MqttGateway(
      GatewayConfig config,
      Provisioner provisioner,
      TelemetryIngest ingest,
      MeterRegistry meters,
      DeviceLedger ledger) {
    this.config = config;
    this.provisioner = provisioner;
    this.ingest = ingest;
    this.sparkplug = new SparkplugHost(ingest, meters, this::publishCommand);
    this.meters = meters;
    this.ledger = ledger;
    this.telemetryPrefix = "bdt/" + config.id() + "/devices/";
    this.requestPrefix = provisionRequestPrefix(config.id());
    this.replyPrefix = provisionReplyPrefix(config.id());
    this.access = access(config);
    for (Refusal.Reason reason : Refusal.Reason.values()) {
      refusalCounter(reason.tag()); // every reason shows in /q/metrics from the start, at 0
    }
    this.reconnects =
        Counter.builder("bdt.mqtt.reconnects")
            .description("automatic reconnects to the MQTT broker after the connection was lost")
            .register(meters);
    this.storagePauses =
        Counter.builder("bdt.mqtt.storage.pauses")
            .description(
                "disconnects from the broker because the twin store refused writes (a disk fault)")
            .register(meters);
    Gauge.builder("bdt.mqtt.connected", this, g -> g.connected() ? 1 : 0)
        .description("1 while the gateway is connected to its MQTT broker, else 0")
        .register(meters);
  }

  /** The MQTT client id of gateway {@code gatewayId} unless {@code client-id} says otherwise. */
  public static String clientId(String gatewayId) {
    return MqttOptions.clientId(gatewayId);
  }

  /** The Sparkplug B messages a device publishes under this gateway's edge node id. */
  private static final java.util.Set<String> SPARKPLUG_DEVICE_MESSAGES =
      java.util.Set.of("DBIRTH", "DDATA", "DDEATH");

  /** Publishes a command to a device (QoS 1); dropped with a warning while disconnected. */
  private void publishCommand(String topic, byte[] payload) {
    MqttAsyncClient c = client;
    if (c == null || !c.isConnected()) {
      LOG.warnf("command on %s not sent: not connected to the broker", topic);
      return;
    }
    try {
      c.publish(topic, payload, 1, false);
    } catch (MqttException e) {
      LOG.warnf("command on %s not sent: %s", topic, e.getMessage());
    }
  }

  private BrokerAccess access(GatewayConfig config) {
    return switch (config.mqtt().access().toLowerCase(Locale.ROOT)) {
      case "extension" -> {
        SecureRandom random = new SecureRandom();
        Map<String, String> hashes = new LinkedHashMap<>();
        config
            .profiles()
            .forEach(
                (id, p) -> hashes.put(p.key(), SecretHash.hash(ProfileSecrets.of(id, p), random)));
        yield new ExtensionAccess(config.id(), hashes);
      }
      case "dynamic-security" -> dynamicSecurity(config.mqtt());
      case "none" -> BrokerAccess.NONE;
      default ->
          throw new IllegalArgumentException(
              "bdt.gateway.mqtt.access must be extension, dynamic-security or none, got "
                  + config.mqtt().access());
    };
  }

  private BrokerAccess dynamicSecurity(GatewayConfig.Mqtt mqtt) {
    if (mqtt.url().isEmpty()) {
      return BrokerAccess.NONE; // MQTT is off
    }
    if (mqtt.adminPasswordFile().isEmpty() || mqtt.passwordFile().isEmpty()) {
      throw new IllegalArgumentException(
          "bdt.gateway.mqtt.access=dynamic-security needs bdt.gateway.mqtt.admin-password-file"
              + " (the plugin admin's) and bdt.gateway.mqtt.password-file (this gateway's own)");
    }
    MqttConnectionOptions admin = new MqttConnectionOptions();
    admin.setUserName(mqtt.adminUsername());
    admin.setPassword(
        MqttOptions.firstLine(mqtt.adminPasswordFile().get()).getBytes(StandardCharsets.UTF_8));
    MqttOptions.tls(mqtt, admin);
    Map<String, String> profileSecrets = new LinkedHashMap<>();
    config.profiles().forEach((id, p) -> profileSecrets.put(p.key(), ProfileSecrets.of(id, p)));
    return new DynamicSecurityAccess(
        config.id(),
        mqtt.url().get(),
        admin,
        MqttOptions.firstLine(mqtt.passwordFile().get()),
        profileSecrets,
        this::count);
  }

  void start(@Observes StartupEvent event) throws MqttException {
    connect();
  }

  /** Connects to the configured broker and subscribes (no-op when MQTT is not configured). */
  public void connect() throws MqttException {
    if (config.mqtt().url().isEmpty()) {
      LOG.info("bdt.gateway.mqtt.url is not set: MQTT is off");
      return;
    }
    String url = config.mqtt().url().get();
    MqttAsyncClient mqtt =
        new MqttAsyncClient(
            url, config.mqtt().clientId().orElse(clientId(config.id())), new MemoryPersistence());
    mqtt.setCallback(new Callback(mqtt));
    mqtt.setManualAcks(true); // a QoS 1 message is acknowledged once its update is on disk
    MqttConnectionOptions options = MqttOptions.session(config);
    long sessionExpiry = config.mqtt().sessionExpiry().toSeconds();
    if (BrokerAccess.NONE.equals(access)) {
      LOG.warnf(
          "bdt.gateway.mqtt.access=none: the broker at %s checks no device identity; any client"
              + " that reaches it can publish telemetry for any device",
          url);
    }
    if (url.startsWith("tcp://") && !url.contains("//127.0.0.1") && !url.contains("//localhost")) {
      LOG.warnf("MQTT to %s is plain text: device secrets cross the network in clear", url);
    }
    IMqttToken connected;
    try {
      access.prepare();
      connected = mqtt.connect(options);
      connected.waitForCompletion(15_000);
      access.sync(mqtt, ledger.all());
      subscribe(mqtt).waitForCompletion(10_000);
    } catch (MqttException | RuntimeException e) {
      closeQuietly(mqtt); // a client left connecting would answer every retry "in progress"
      throw e;
    }
    this.client = mqtt;
    LOG.infof(
        "gateway %s connected to MQTT broker %s as %s (%s)",
        config.id(),
        url,
        mqtt.getClientId(),
        sessionExpiry <= 0
            ? "clean session"
            : connected.getSessionPresent()
                ? "session resumed: messages queued meanwhile follow"
                : "new session, kept " + sessionExpiry + " s while away");
  }

  /** Disconnects a revoked device at the broker (within the broker's round trip). */
  void revoked(@Observes DeviceRevoked event) {
    MqttAsyncClient mqtt = client;
    if (mqtt == null) {
      return; // the next connect's sync carries the revocation
    }
    try {
      access.revoke(mqtt, event.deviceId());
    } catch (MqttException e) {
      LOG.warnf(
          "broker not told of %s's revocation (%s); the next reconnect's sync will",
          event.deviceId(), e.getMessage());
    }
  }

  void stop(@Observes ShutdownEvent event) {
    stopping = true;
    disconnect();
  }

  /** Disconnects from the broker. */
  public void disconnect() {
    MqttAsyncClient mqtt = client;
    if (mqtt == null) {
      return;
    }
    try {
      mqtt.disconnect().waitForCompletion(5_000);
      mqtt.close();
    } catch (MqttException e) {
      LOG.warnf("MQTT disconnect: %s", e.getMessage());
    }
    access.close();
  }

  /**
   * Disconnects from the broker (once) because the twin store refuses writes, and connects again on
   * the same persistent session once it takes them: the broker keeps queueing the telemetry
   * meanwhile and then redelivers what the gateway did not acknowledge, so nothing is dropped and
   * nothing is acknowledged that is not on disk.
   */
  private void pauseForStorage(MqttAsyncClient mqtt, StorageUnavailableException e) {
    if (!pausedForStorage.compareAndSet(false, true)) {
      return;
    }
    storagePauses.increment();
    LOG.errorf(
        "%s: disconnecting from the MQTT broker until the disk takes writes; the broker queues"
            + " telemetry in this gateway's session meanwhile",
        e.getMessage());
    Thread.ofPlatform()
        .daemon()
        .name("mqtt-storage-pause")
        .start(
            () -> {
              try {
                resumeWhenWritable(mqtt);
              } catch (InterruptedException stop) {
                Thread.currentThread().interrupt();
              } finally {
                pausedForStorage.set(false);
              }
            });
  }

  /**
   * Closes the paused client and, once the twin store takes writes, connects a new one on the same
   * session ({@link #connect()}: subscriptions and device access as at start).
   */
  private void resumeWhenWritable(MqttAsyncClient mqtt) throws InterruptedException {
    closeQuietly(mqtt);
    while (ingest.storageFault().isPresent() && !stopping) {
      Thread.sleep(500);
    }
    while (!stopping) {
      try {
        connect();
        LOG.infof(
            "the twin store takes writes again: connected again, the broker redelivers what was"
                + " not acknowledged");
        return;
      } catch (MqttException | RuntimeException e) {
        LOG.warnf("connecting after the storage pause: %s (retried in 1 s)", e.getMessage());
        Thread.sleep(1_000);
      }
    }
  }

  /** Disconnects (at once, without waiting for in-flight work) and closes {@code mqtt}. */
  private static void closeQuietly(MqttAsyncClient mqtt) {
    try {
      mqtt.disconnectForcibly(0, 2_000, false);
    } catch (MqttException e) {
      LOG.debugf("forced MQTT disconnect: %s", e.getMessage());
    }
    try {
      mqtt.close(true);
    } catch (MqttException e) {
      LOG.debugf("closing the MQTT client: %s", e.getMessage());
    }
  }

  /** Whether the gateway is connected to its broker (readiness). */
  public boolean connected() {
    MqttAsyncClient mqtt = client;
    return mqtt != null && mqtt.isConnected();
  }

  /** Whether MQTT is configured at all. */
  public boolean enabled() {
    return config.mqtt().url().isPresent();
  }

  // The array form: Paho 1.2.5's subscribe(topic, qos, listener) recurses forever.
  private IMqttToken subscribe(MqttAsyncClient mqtt) throws MqttException {
    int qos = config.mqtt().qos();
    return mqtt.subscribe(
        new String[] {
          requestPrefix + "+",
          UNADDRESSED_REQUEST + "+",
          telemetryPrefix + "+/telemetry",
          "spBv1.0/+/DDATA/" + config.id() + "/+",
          "spBv1.0/+/DBIRTH/" + config.id() + "/+",
          "spBv1.0/+/DDEATH/" + config.id() + "/+",
          TopicPolicy.REFUSALS
        },
        new int[] {1, 1, qos, qos, 1, 1, 0});
  }

  /** Routes one message by its topic. */
  void route(MqttAsyncClient mqtt, String topic, byte[] payload) {
    if (topic.startsWith(requestPrefix)) {
      String requestId = topic.substring(requestPrefix.length());
      provision(mqtt, requestId, replyPrefix + requestId, payload);
    } else if (topic.startsWith(UNADDRESSED_REQUEST)) {
      String requestId = topic.substring(UNADDRESSED_REQUEST.length());
      reply(
          mqtt,
          requestId,
          UNADDRESSED_REPLY + requestId,
          new ProvisioningOutcome.Refused(
              ProvisioningOutcome.Reason.UNADDRESSED_REQUEST,
              "provisioning requests go to one gateway: publish on "
                  + provisionRequestPrefix("{gatewayId}")
                  + requestId
                  + " (this gateway: "
                  + requestPrefix
                  + requestId
                  + ") and read the reply on "
                  + provisionReplyPrefix("{gatewayId}")
                  + requestId));
    } else if (topic.startsWith(telemetryPrefix) && topic.endsWith("/telemetry")) {
      String deviceId =
          topic.substring(telemetryPrefix.length(), topic.length() - "/telemetry".length());
      if (deviceId.isEmpty() || deviceId.contains("/")) {
        ingest.reject(RejectReason.BAD_TOPIC, deviceId, "topic " + topic);
      } else {
        ingest.acceptJson(deviceId, payload);
      }
    } else if (topic.equals(TopicPolicy.REFUSALS)) {
      countRefusal(payload);
    } else if (topic.startsWith("spBv1.0/")) {
      String[] parts = topic.split("/", -1);
      if (parts.length != 5
          || !SPARKPLUG_DEVICE_MESSAGES.contains(parts[2])
          || !config.id().equals(parts[3])
          || parts[4].isEmpty()) {
        ingest.reject(RejectReason.BAD_TOPIC, "", "topic " + topic);
      } else {
        sparkplug.accept(parts[1], parts[2], parts[3], parts[4], payload);
      }
    }
  }

  private void provision(
      MqttAsyncClient mqtt, String requestId, String replyTopic, byte[] payload) {
    JsonNode request;
    try {
      request = JSON.readTree(payload);
    } catch (IOException e) {
      request = null;
    }
    reply(mqtt, requestId, replyTopic, provisioner.provision(request));
  }

  /** Counts a refusal the broker reported on {@link TopicPolicy#REFUSALS}. */
  private void countRefusal(byte[] payload) {
    try {
      JsonNode refusal = JSON.readTree(payload);
      count(
          new Refusal(
              Refusal.Reason.valueOf(
                  refusal.path("reason").asText("").toUpperCase(Locale.ROOT).replace('-', '_')),
              refusal.path("client").asText(""),
              refusal.path("gatewayId").asText(""),
              refusal.path("detail").asText("")));
    } catch (IOException | IllegalArgumentException e) {
      LOG.debugf("unreadable refusal report: %s", e.getMessage());
    }
  }

  /** Counts {@code refusal} if it concerns this gateway (or no gateway). */
  private void count(Refusal refusal) {
    if (refusal.gatewayId().isEmpty() || refusal.gatewayId().equals(config.id())) {
      refusalCounter(refusal.reason().tag()).increment();
      LOG.debugf("broker refused %s", refusal);
    }
  }

  private Counter refusalCounter(String reason) {
    return Counter.builder("bdt.access.refused")
        .description(
            "clients the broker refused (connect, publish, subscribe) concerning this gateway, by"
                + " reason")
        .tag("reason", reason)
        .register(meters);
  }

  private void reply(
      MqttAsyncClient mqtt, String requestId, String replyTopic, ProvisioningOutcome outcome) {
    if (outcome instanceof ProvisioningOutcome.Provisioned ok) {
      Optional<DeviceRecord> device = ledger.find(ok.deviceId());
      try {
        access.grant(mqtt, device.orElseThrow(), ok.deviceSecret());
      } catch (MqttException | RuntimeException e) {
        LOG.warnf("broker not told of new device %s: %s", ok.deviceId(), e.getMessage());
      }
    }
    count(outcome);
    ObjectNode reply = JSON.createObjectNode();
    reply.put("requestId", requestId);
    switch (outcome) {
      case ProvisioningOutcome.Provisioned ok -> {
        reply.put("status", "provisioned");
        reply.put("deviceId", ok.deviceId());
        reply.put("deviceSecret", ok.deviceSecret());
        reply.put("thingId", ingest.thingId(ok.deviceId()));
        reply.put("telemetryTopic", ok.telemetryTopic());
      }
      case ProvisioningOutcome.Refused refused -> {
        reply.put("status", "refused");
        reply.put("reason", refused.reason().name());
        reply.put("detail", refused.detail());
      }
    }
    try {
      mqtt.publish(replyTopic, JSON.writeValueAsBytes(reply), 1, false);
    } catch (MqttException | IOException e) {
      LOG.warnf("could not publish provisioning reply for %s: %s", requestId, e.getMessage());
    }
  }

  private void count(ProvisioningOutcome outcome) {
    String reason =
        switch (outcome) {
          case ProvisioningOutcome.Provisioned ok -> "none";
          case ProvisioningOutcome.Refused refused -> refused.reason().name();
        };
    Counter.builder("bdt.provisioning.requests")
        .description("provisioning requests this gateway answered, by outcome and refusal reason")
        .tag(
            "outcome",
            outcome instanceof ProvisioningOutcome.Provisioned ? "provisioned" : "refused")
        .tag("reason", reason)
        .register(meters)
        .increment();
  }

  private final class Callback implements MqttCallback {
    private final MqttAsyncClient mqtt;

    Callback(MqttAsyncClient mqtt) {
      this.mqtt = mqtt;
    }

    @Override
    public void connectComplete(boolean reconnect, String serverURI) {
      if (!reconnect) {
        return; // start() subscribes and waits for the SUBACK
      }
      reconnects.increment();
      LOG.infof("reconnected to %s; subscribing again", serverURI);
      // subscribe first: a broker that lost the session (no persistence) drops telemetry until then
      try {
        subscribe(mqtt);
      } catch (MqttException e) {
        LOG.errorf("subscribing at %s failed: %s", serverURI, e.getMessage());
      }
      try {
        access.sync(mqtt, ledger.all());
      } catch (MqttException e) {
        LOG.warnf("device access not synced at %s: %s", serverURI, e.getMessage());
      }
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
      try {
        route(mqtt, topic, message.getPayload());
      } catch (StorageUnavailableException e) {
        pauseForStorage(mqtt, e); // no PUBACK: the broker sends it again on the resumed session
        return;
      } catch (RuntimeException e) {
        // one bad message must never stop the callback thread
        LOG.warnf(e, "message on %s failed", topic);
      }
      acknowledge(message);
    }

    /**
     * Sends the PUBACK of a QoS 1 message once what it changed is on disk. A message that failed is
     * acknowledged too (it was counted as rejected; redelivery would fail the same way).
     */
    private void acknowledge(MqttMessage message) {
      int qos = message.getQos();
      if (qos == 0) {
        return;
      }
      int id = message.getId();
      ingest.whenDurable(
          () -> {
            try {
              mqtt.messageArrivedComplete(id, qos);
            } catch (MqttException | RuntimeException e) {
              // not connected: the broker redelivers it on the resumed session
              LOG.debugf("PUBACK of message %d not sent: %s", id, e.getMessage());
            }
          });
    }

    @Override
    public void disconnected(MqttDisconnectResponse response) {
      LOG.warnf("MQTT disconnected: %s", response.getReasonString());
    }

    @Override
    public void mqttErrorOccurred(MqttException exception) {
      LOG.warnf("MQTT error: %s", exception.getMessage());
    }

    @Override
    public void deliveryComplete(IMqttToken token) {}

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {}
  }
}
