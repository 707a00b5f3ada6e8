package io.bdt.gateway.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bdt.gateway.GatewayConfig;
import io.bdt.gateway.device.Provisioner;
import io.bdt.gateway.device.ProvisioningOutcome;
import io.bdt.gateway.ingest.RejectReason;
import io.bdt.gateway.ingest.TelemetryIngest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.util.UUID;
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
  private final String telemetryPrefix;
  private final String requestPrefix;
  private final String replyPrefix;
  private final MeterRegistry meters;
  private volatile MqttAsyncClient client;

  public MqttGateway(
      GatewayConfig config, Provisioner provisioner, TelemetryIngest ingest, MeterRegistry meters) {
    this.config = config;
    this.provisioner = provisioner;
    this.ingest = ingest;
    this.meters = meters;
    this.telemetryPrefix = "bdt/" + config.id() + "/devices/";
    this.requestPrefix = provisionRequestPrefix(config.id());
    this.replyPrefix = provisionReplyPrefix(config.id());
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
            url, "bdt-gateway-" + config.id() + "-" + UUID.randomUUID(), new MemoryPersistence());
    mqtt.setCallback(new Callback(mqtt));
    MqttConnectionOptions options = new MqttConnectionOptions();
    options.setAutomaticReconnect(true);
    options.setCleanStart(true);
    options.setReceiveMaximum(65535);
    mqtt.connect(options).waitForCompletion(15_000);
    subscribe(mqtt).waitForCompletion(10_000);
    this.client = mqtt;
    LOG.infof("gateway %s connected to MQTT broker %s", config.id(), url);
  }

  void stop(@Observes ShutdownEvent event) {
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
          "spBv1.0/+/DDATA/+/+"
        },
        new int[] {1, 1, qos, qos});
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
    } else if (topic.startsWith("spBv1.0/")) {
      String[] parts = topic.split("/", -1);
      if (parts.length != 5 || !"DDATA".equals(parts[2]) || parts[4].isEmpty()) {
        ingest.reject(RejectReason.BAD_TOPIC, "", "topic " + topic);
      } else {
        ingest.acceptSparkplug(parts[4], payload);
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

  private void reply(
      MqttAsyncClient mqtt, String requestId, String replyTopic, ProvisioningOutcome outcome) {
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
      try {
        subscribe(mqtt);
      } catch (MqttException e) {
        LOG.errorf("subscribing at %s failed: %s", serverURI, e.getMessage());
      }
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
      try {
        route(mqtt, topic, message.getPayload());
      } catch (RuntimeException e) {
        // one bad message must never stop the callback thread
        LOG.warnf(e, "message on %s failed", topic);
      }
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
