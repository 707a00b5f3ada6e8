package io.bdt.gateway.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Date;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.tahu.message.SparkplugBPayloadEncoder;
import org.eclipse.tahu.message.model.Metric;
import org.eclipse.tahu.message.model.MetricDataType;
import org.eclipse.tahu.message.model.SparkplugBPayload;

/**
 * A simulated IIoT device on MQTT: provisions itself with a profile's key and secret, then
 * publishes JSON or Sparkplug B telemetry (properties and accelerometer samples) the way a real
 * device would. Used by tests, the benchmark and the platform launcher.
 */
public final class DeviceSimulator implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final MqttClient client;
  private final String gatewayId;
  private volatile CompletableFuture<JsonNode> pendingReply;

  /** Connects to {@code brokerUrl} for a device of gateway {@code gatewayId}. */
  public DeviceSimulator(String brokerUrl, String gatewayId) throws MqttException {
    this.gatewayId = gatewayId;
    this.client =
        new MqttClient(brokerUrl, "bdt-device-" + UUID.randomUUID(), new MemoryPersistence());
    client.setCallback(
        new MqttCallback() {
          @Override
          public void messageArrived(String topic, MqttMessage message) {
            CompletableFuture<JsonNode> reply = pendingReply;
            if (reply != null) {
              try {
                reply.complete(JSON.readTree(message.getPayload()));
              } catch (IOException e) {
                reply.completeExceptionally(e);
              }
            }
          }

          @Override
          public void disconnected(MqttDisconnectResponse response) {}

          @Override
          public void mqttErrorOccurred(MqttException exception) {}

          @Override
          public void deliveryComplete(IMqttToken token) {}

          @Override
          public void connectComplete(boolean reconnect, String serverURI) {}

          @Override
          public void authPacketArrived(int reasonCode, MqttProperties properties) {}
        });
    MqttConnectionOptions options = new MqttConnectionOptions();
    options.setCleanStart(true);
    client.connect(options);
  }

  /**
   * Sends a provisioning request to this simulator's gateway on {@code
   * bdt/{gatewayId}/provision/request/{requestId}} and returns its reply from {@code
   * bdt/{gatewayId}/provision/reply/{requestId}}.
   *
   * @param deviceId the id to ask for, or {@code null} to have one issued
   */
  public JsonNode provision(String provisioningKey, String provisioningSecret, String deviceId)
      throws MqttException, IOException, InterruptedException, TimeoutException {
    String requestId = UUID.randomUUID().toString();
    ObjectNode request = JSON.createObjectNode();
    request.put("provisioningKey", provisioningKey);
    request.put("provisioningSecret", provisioningSecret);
    if (deviceId != null) {
      request.put("deviceId", deviceId);
    }
    return request(requestId, JSON.writeValueAsBytes(request));
  }

  /** Sends raw bytes as a provisioning request to this simulator's gateway; returns the reply. */
  public JsonNode request(String requestId, byte[] payload)
      throws MqttException, InterruptedException, TimeoutException {
    return exchange(
        "bdt/" + gatewayId + "/provision/request/" + requestId,
        "bdt/" + gatewayId + "/provision/reply/" + requestId,
        payload);
  }

  /**
   * Sends a request on the former shared topic {@code bdt/provision/request/{requestId}} (no
   * gateway addressed) and returns the first reply on {@code bdt/provision/reply/{requestId}}.
   */
  public JsonNode requestUnaddressed(String requestId, byte[] payload)
      throws MqttException, InterruptedException, TimeoutException {
    return exchange(
        "bdt/provision/request/" + requestId, "bdt/provision/reply/" + requestId, payload);
  }

  private JsonNode exchange(String requestTopic, String replyTopic, byte[] payload)
      throws MqttException, InterruptedException, TimeoutException {
    CompletableFuture<JsonNode> reply = new CompletableFuture<>();
    pendingReply = reply;
    client.subscribe(new String[] {replyTopic}, new int[] {1});
    try {
      client.publish(requestTopic, payload, 1, false);
      return reply.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("provisioning reply did not parse", e.getCause());
    } finally {
      client.unsubscribe(replyTopic);
      pendingReply = null;
    }
  }

  /** The JSON telemetry topic of {@code deviceId}. */
  public String telemetryTopic(String deviceId) {
    return "bdt/" + gatewayId + "/devices/" + deviceId + "/telemetry";
  }

  /** Publishes a JSON telemetry payload as is. */
  public void publishJson(String deviceId, byte[] payload, int qos) throws MqttException {
    client.publish(telemetryTopic(deviceId), payload, qos, false);
  }

  /** Publishes properties and samples as JSON telemetry ({@code ts} = now). */
  public void publishJson(String deviceId, ObjectNode properties, float[] samples, int qos)
      throws MqttException, IOException {
    ObjectNode body = properties.deepCopy();
    body.put("ts", System.currentTimeMillis());
    if (samples.length > 0) {
      var array = body.putArray("samples");
      for (float s : samples) {
        array.add(s);
      }
    }
    publishJson(deviceId, JSON.writeValueAsBytes(body), qos);
  }

  /**
   * Publishes one Sparkplug B DDATA message on {@code spBv1.0/{group}/DDATA/{edgeNode}/{deviceId}}.
   */
  public void publishSparkplug(
      String group, String edgeNode, String deviceId, double temperature, float[] samples, int qos)
      throws MqttException, IOException {
    byte[] bytes;
    try {
      SparkplugBPayload.SparkplugBPayloadBuilder payload =
          new SparkplugBPayload.SparkplugBPayloadBuilder()
              .setTimestamp(new Date())
              .setSeq(0L)
              .addMetric(
                  new Metric.MetricBuilder("temperature", MetricDataType.Double, temperature)
                      .createMetric());
      if (samples.length > 0) {
        Float[] boxed = new Float[samples.length];
        for (int i = 0; i < samples.length; i++) {
          boxed[i] = samples[i];
        }
        payload.addMetric(
            new Metric.MetricBuilder("samples", MetricDataType.FloatArray, boxed).createMetric());
      }
      bytes = new SparkplugBPayloadEncoder().getBytes(payload.createPayload(), false);
    } catch (Exception e) {
      throw new IOException("Sparkplug encoding failed", e);
    }
    client.publish("spBv1.0/" + group + "/DDATA/" + edgeNode + "/" + deviceId, bytes, qos, false);
  }

  /** Publishes raw bytes on any topic (for malformed-input tests). */
  public void publishRaw(String topic, byte[] payload, int qos) throws MqttException {
    client.publish(topic, payload, qos, false);
  }

  @Override
  public void close() throws MqttException {
    if (client.isConnected()) {
      client.disconnect();
    }
    client.close();
  }
}
