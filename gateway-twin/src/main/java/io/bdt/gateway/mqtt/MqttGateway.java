package io.bdt.gateway.mqtt;

import io.bdt.gateway.GatewayConfig;
import io.bdt.gateway.access.BrokerAccess;
import io.bdt.gateway.access.TopicPolicy;
import io.bdt.gateway.device.DeviceLedger;
import io.bdt.gateway.device.DeviceRevoked;
import io.bdt.gateway.device.Provisioner;
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
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.jboss.logging.Logger;

/**
 * The gateway's MQTT connection: subscribes to the provisioning requests addressed to this gateway
 * ({@link ProvisioningReplies} answers them), JSON telemetry and Sparkplug B DDATA, the broker's
 * refusal reports ({@link AccessRefusals}), and routes each message by topic. Topics are listed in
 * docs/gateway-twin.md.
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

  private final GatewayConfig config;
  private final TelemetryIngest ingest;
  private final SparkplugHost sparkplug;
  private final String telemetryPrefix;
  private final DeviceLedger ledger;
  private final AccessRefusals refusals;
  private final BrokerAccess access;
  private final ProvisioningReplies provisioning;
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
    this.ingest = ingest;
    this.sparkplug = new SparkplugHost(ingest, meters, this::publishCommand);
    this.ledger = ledger;
    this.telemetryPrefix = "bdt/" + config.id() + "/devices/";
    this.refusals = new AccessRefusals(config.id(), meters);
    this.access = ConfiguredAccess.of(config, refusals::count);
    this.provisioning =
        new ProvisioningReplies(config.id(), provisioner, ingest, ledger, access, meters);
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
          ProvisioningReplies.requestPrefix(config.id()) + "+",
          ProvisioningReplies.UNADDRESSED_REQUEST + "+",
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
    if (provisioning.handles(topic)) {
      provisioning.answer(mqtt, topic, payload);
    } else if (topic.startsWith(telemetryPrefix) && topic.endsWith("/telemetry")) {
      String deviceId =
          topic.substring(telemetryPrefix.length(), topic.length() - "/telemetry".length());
      if (deviceId.isEmpty() || deviceId.contains("/")) {
        ingest.reject(RejectReason.BAD_TOPIC, deviceId, "topic " + topic);
      } else {
        ingest.acceptJson(deviceId, payload);
      }
    } else if (topic.equals(TopicPolicy.REFUSALS)) {
      refusals.countReport(payload);
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

  private final class Callback implements MessageCallback {
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
  }
}
