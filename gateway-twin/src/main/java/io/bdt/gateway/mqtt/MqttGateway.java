package io.bdt.gateway.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bdt.gateway.GatewayConfig;
import io.bdt.gateway.device.Provisioner;
import io.bdt.gateway.device.ProvisioningOutcome;
import io.bdt.gateway.ingest.RejectReason;
import io.bdt.gateway.ingest.TelemetryIngest;
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
 * The gateway's MQTT side: subscribes to provisioning requests, JSON telemetry and Sparkplug B
 * DDATA, routes each message by topic, and publishes provisioning replies. Topics are listed in
 * docs/gateway-twin.md.
 */
@ApplicationScoped
public class MqttGateway {

  private static final Logger LOG = Logger.getLogger(MqttGateway.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Provisioning requests: {@code bdt/provision/request/{requestId}}. */
  public static final String PROVISION_REQUEST = "bdt/provision/request/";

  /** Provisioning replies: {@code bdt/provision/reply/{requestId}}. */
  public static final String PROVISION_REPLY = "bdt/provision/reply/";

  private final GatewayConfig config;
  private final Provisioner provisioner;
  private final TelemetryIngest ingest;
  private final String telemetryPrefix;
  private volatile MqttAsyncClient client;

  public MqttGateway(GatewayConfig config, Provisioner provisioner, TelemetryIngest ingest) {
    this.config = config;
    this.provisioner = provisioner;
    this.ingest = ingest;
    this.telemetryPrefix = "bdt/" + config.id() + "/devices/";
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
          PROVISION_REQUEST + "+", telemetryPrefix + "+/telemetry", "spBv1.0/+/DDATA/+/+"
        },
        new int[] {1, qos, qos});
  }

  /** Routes one message by its topic. */
  void route(MqttAsyncClient mqtt, String topic, byte[] payload) {
    if (topic.startsWith(PROVISION_REQUEST)) {
      provision(mqtt, topic.substring(PROVISION_REQUEST.length()), payload);
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

  private void provision(MqttAsyncClient mqtt, String requestId, byte[] payload) {
    JsonNode request;
    try {
      request = JSON.readTree(payload);
    } catch (IOException e) {
      request = null;
    }
    ProvisioningOutcome outcome = provisioner.provision(request);
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
      mqtt.publish(PROVISION_REPLY + requestId, JSON.writeValueAsBytes(reply), 1, false);
    } catch (MqttException | IOException e) {
      LOG.warnf("could not publish provisioning reply for %s: %s", requestId, e.getMessage());
    }
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
