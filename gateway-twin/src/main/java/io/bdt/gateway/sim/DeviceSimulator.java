package io.bdt.gateway.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bdt.gateway.access.AccessTable;
import io.bdt.gateway.access.RequestId;
import io.bdt.gateway.mqtt.MessageCallback;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
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
  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

  private final BoundedClient client;
  private final String gatewayId;
  private final String clientId;
  private volatile CompletableFuture<JsonNode> pendingReply;
  private volatile Instant lostAt;
  private final List<String> received = new CopyOnWriteArrayList<>();
  private final List<Map.Entry<String, byte[]>> receivedMessages = new CopyOnWriteArrayList<>();

  /** Connects anonymously to {@code brokerUrl} for a device of gateway {@code gatewayId}. */
  public DeviceSimulator(String brokerUrl, String gatewayId) throws MqttException {
    this(brokerUrl, gatewayId, "bdt-device-" + UUID.randomUUID(), null, null, null);
  }

  /**
   * Connects to {@code brokerUrl} as client {@code clientId} with {@code username}/{@code password}
   * (both null: anonymous) over {@code tls} (null: the URL's own transport).
   */
  public DeviceSimulator(
      String brokerUrl,
      String gatewayId,
      String clientId,
      String username,
      String password,
      SSLSocketFactory tls)
      throws MqttException {
    this.gatewayId = gatewayId;
    this.clientId = clientId;
    this.client = new BoundedClient(brokerUrl, clientId);
    client.setCallback(
        new MessageCallback() {
          @Override
          public void messageArrived(String topic, MqttMessage message) {
            CompletableFuture<JsonNode> reply = pendingReply;
            if (reply == null) {
              received.add(topic);
              receivedMessages.add(Map.entry(topic, message.getPayload()));
            } else {
              try {
                reply.complete(JSON.readTree(message.getPayload()));
              } catch (IOException e) {
                reply.completeExceptionally(e);
              }
            }
          }

          @Override
          public void disconnected(MqttDisconnectResponse response) {
            lostAt = Instant.now();
          }
        });
    MqttConnectionOptions options = new MqttConnectionOptions();
    options.setCleanStart(true);
    if (username != null) {
      options.setUserName(username);
      options.setPassword(password.getBytes(StandardCharsets.UTF_8));
    }
    if (tls != null) {
      options.setSocketFactory(tls);
    }
    client.connect(options);
  }

  /**
   * Connects as a provisioning client of profile {@code provisioningKey} (username {@code
   * provision:<key>}, password the profile secret): a broker with device identity lets it send only
   * its own request and read only its own reply.
   */
  public static DeviceSimulator provisioningClient(
      String brokerUrl,
      String gatewayId,
      String provisioningKey,
      String provisioningSecret,
      SSLSocketFactory tls)
      throws MqttException {
    return new DeviceSimulator(
        brokerUrl,
        gatewayId,
        "prov-" + UUID.randomUUID(),
        AccessTable.PROVISION_PREFIX + provisioningKey,
        provisioningSecret,
        tls);
  }

  /** Connects as device {@code deviceId} with the secret its gateway issued. */
  public static DeviceSimulator device(
      String brokerUrl,
      String gatewayId,
      String deviceId,
      String deviceSecret,
      SSLSocketFactory tls)
      throws MqttException {
    return new DeviceSimulator(
        brokerUrl, gatewayId, deviceId + "-" + UUID.randomUUID(), deviceId, deviceSecret, tls);
  }

  /**
   * What a real device does: provisions {@code deviceId} through a provisioning connection, then
   * connects with the issued credentials.
   *
   * @throws IllegalStateException with the gateway's reason when provisioning is refused
   */
  public static DeviceSimulator provisionAndConnect(
      String brokerUrl,
      String gatewayId,
      String provisioningKey,
      String provisioningSecret,
      String deviceId,
      SSLSocketFactory tls)
      throws MqttException, IOException, InterruptedException, TimeoutException {
    JsonNode reply;
    try (DeviceSimulator provisioning =
        provisioningClient(brokerUrl, gatewayId, provisioningKey, provisioningSecret, tls)) {
      reply = provisioning.provision(provisioningKey, provisioningSecret, deviceId);
    }
    if (!"provisioned".equals(reply.path("status").asText())) {
      throw new IllegalStateException(
          "provisioning " + deviceId + " refused: " + reply.path("reason").asText() + " " + reply);
    }
    return device(
        brokerUrl,
        gatewayId,
        reply.path("deviceId").asText(),
        reply.path("deviceSecret").asText(),
        tls);
  }

  /** Subscribes (QoS 1) to {@code filter}, e.g. the device's command topic. */
  public void subscribe(String filter) throws MqttException {
    client.subscribe(new String[] {filter}, new int[] {1});
  }

  /** Topics of the messages received on {@link #subscribe}d filters, in arrival order. */
  public List<String> received() {
    return List.copyOf(received);
  }

  /** Payloads of the messages received on {@code topic}, in arrival order. */
  public List<byte[]> receivedPayloads(String topic) {
    return receivedMessages.stream()
        .filter(m -> m.getKey().equals(topic))
        .map(Map.Entry::getValue)
        .toList();
  }

  /** This connection's MQTT client id (what a provisioning client's request ids begin with). */
  public String clientId() {
    return clientId;
  }

  /** Whether the broker still has this client connected. */
  public boolean connected() {
    return client.isConnected();
  }

  /** When the broker dropped this client's connection, if it did ({@link #close()} is not one). */
  public Optional<Instant> disconnectedAt() {
    return Optional.ofNullable(lostAt);
  }

  /**
   * Sends a provisioning request to this simulator's gateway on {@code
   * bdt/{gatewayId}/provision/request/{requestId}} and returns its reply from {@code
   * bdt/{gatewayId}/provision/reply/{requestId}}; the request id is this client's id and a fresh
   * nonce ({@link RequestId}), so no one else can name the reply topic.
   *
   * @param deviceId the id to ask for, or {@code null} to have one issued
   */
  public JsonNode provision(String provisioningKey, String provisioningSecret, String deviceId)
      throws MqttException, IOException, InterruptedException, TimeoutException {
    String requestId = RequestId.create(clientId, RANDOM);
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
      return reply.get(OPERATION_WAIT_MS, TimeUnit.MILLISECONDS);
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

  /** Aliases this simulator declares in its Sparkplug births (metric name -> alias). */
  public static final Map<String, Long> SPARKPLUG_ALIASES =
      Map.of("temperature", 1L, "samples", 2L);

  /** The next Sparkplug {@code seq} per device topic suffix ({@code group/edgeNode/deviceId}). */
  private final Map<String, Long> sparkplugSeq = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Publishes one Sparkplug B DDATA message on {@code spBv1.0/{group}/DDATA/{edgeNode}/{deviceId}}
   * as a Sparkplug device does: a DBIRTH first (declaring {@link #SPARKPLUG_ALIASES}, seq 0), then
   * DDATA whose metrics carry only their alias, with {@code seq} counting up (mod 256).
   */
  public void publishSparkplug(
      String group, String edgeNode, String deviceId, double temperature, float[] samples, int qos)
      throws MqttException, IOException {
    String device = group + "/" + edgeNode + "/" + deviceId;
    if (!sparkplugSeq.containsKey(device)) {
      publishSparkplugBirth(group, edgeNode, deviceId, temperature, qos);
    }
    long seq = sparkplugSeq.merge(device, 1L, (a, b) -> (a + b) % 256);
    Float[] boxed = new Float[samples.length];
    for (int i = 0; i < samples.length; i++) {
      boxed[i] = samples[i];
    }
    List<Metric> metrics = new java.util.ArrayList<>();
    metrics.add(
        metric(SPARKPLUG_ALIASES.get("temperature"), MetricDataType.Double, temperature, null));
    if (samples.length > 0) {
      metrics.add(metric(SPARKPLUG_ALIASES.get("samples"), MetricDataType.FloatArray, boxed, null));
    }
    publishSparkplugMessage("DDATA", device, seq, metrics, qos);
  }

  /**
   * Publishes a DBIRTH for {@code deviceId} (its metrics with names and aliases, seq 0), as after
   * connecting or on a rebirth request; the next DDATA carries seq 1.
   */
  public void publishSparkplugBirth(
      String group, String edgeNode, String deviceId, double temperature, int qos)
      throws MqttException, IOException {
    String device = group + "/" + edgeNode + "/" + deviceId;
    List<Metric> metrics =
        List.of(
            metric(
                "temperature",
                MetricDataType.Double,
                temperature,
                SPARKPLUG_ALIASES.get("temperature")),
            metric(
                "samples",
                MetricDataType.FloatArray,
                new Float[0],
                SPARKPLUG_ALIASES.get("samples")));
    sparkplugSeq.put(device, 0L);
    publishSparkplugMessage("DBIRTH", device, 0, metrics, qos);
  }

  /** Publishes a DDEATH for {@code deviceId}: the host marks its twin offline. */
  public void publishSparkplugDeath(String group, String edgeNode, String deviceId, int qos)
      throws MqttException, IOException {
    String device = group + "/" + edgeNode + "/" + deviceId;
    long seq = sparkplugSeq.merge(device, 1L, (a, b) -> (a + b) % 256);
    publishSparkplugMessage("DDEATH", device, seq, List.of(), qos);
    sparkplugSeq.remove(device);
  }

  /** One metric; {@code name} is a String (named) or a Long (alias only). */
  private static Metric metric(Object name, MetricDataType type, Object value, Long alias)
      throws IOException {
    try {
      Metric.MetricBuilder b =
          name instanceof Long a
              ? new Metric.MetricBuilder(a, type, value)
              : new Metric.MetricBuilder((String) name, type, value);
      return (alias == null ? b : b.alias(alias)).createMetric();
    } catch (org.eclipse.tahu.SparkplugInvalidTypeException e) {
      throw new IOException("Sparkplug metric " + name + ": " + e.getMessage(), e);
    }
  }

  private void publishSparkplugMessage(
      String type, String device, long seq, List<Metric> metrics, int qos)
      throws MqttException, IOException {
    byte[] bytes;
    try {
      SparkplugBPayload.SparkplugBPayloadBuilder payload =
          new SparkplugBPayload.SparkplugBPayloadBuilder().setTimestamp(new Date()).setSeq(seq);
      metrics.forEach(payload::addMetric);
      bytes = new SparkplugBPayloadEncoder().getBytes(payload.createPayload(), false);
    } catch (Exception e) {
      throw new IOException("Sparkplug encoding failed", e);
    }
    String[] parts = device.split("/", 3);
    client.publish(
        "spBv1.0/" + parts[0] + "/" + type + "/" + parts[1] + "/" + parts[2], bytes, qos, false);
  }

  /** Publishes raw bytes on any topic (for malformed-input tests). */
  public void publishRaw(String topic, byte[] payload, int qos) throws MqttException {
    client.publish(topic, payload, qos, false);
  }

  /**
   * Disconnects, waiting at most {@link #DISCONNECT_WAIT_MS} for the broker, then releases the
   * client ({@link #disconnectAndClose}).
   */
  @Override
  public void close() throws MqttException {
    disconnectAndClose(client);
  }

  /**
   * A Paho blocking client of {@code brokerUrl} (in-memory persistence) whose connect, publish and
   * subscribe wait at most {@link #OPERATION_WAIT_MS}; release it with {@link #disconnectAndClose}.
   * Paho's blocking client waits without limit by default, and a QoS 1 publish that the broker
   * refuses while it drops the connection (a revoked device kicked as it publishes) may never be
   * acknowledged nor failed.
   */
  public static MqttClient boundedClient(String brokerUrl, String clientId) throws MqttException {
    return new BoundedClient(brokerUrl, clientId);
  }

  /**
   * Disconnects {@code client} (one of {@link #boundedClient}'s), waiting at most {@link
   * #DISCONNECT_WAIT_MS} for the broker, then releases it. A broker that drops the connection while
   * the DISCONNECT is under way (a revoked device being kicked) never completes Paho's disconnect
   * token, and {@link MqttClient#disconnect()} (and {@code disconnect(quiesce)}) waits for it
   * without limit, whatever {@code setTimeToWait} says; the client is then closed forcibly, as it
   * is when the connection is lost during the DISCONNECT. Another client is disconnected with
   * {@link MqttClient#disconnectForcibly(long, long, boolean)}, which is bounded too but always
   * waits the whole {@link #DISCONNECT_WAIT_MS} (its token completes only when the wait ends).
   */
  public static void disconnectAndClose(MqttClient client) throws MqttException {
    boolean disconnected = true;
    if (client.isConnected()) {
      try {
        if (client instanceof BoundedClient bounded) {
          bounded.disconnectWithin(DISCONNECT_WAIT_MS);
        } else {
          client.disconnectForcibly(0, DISCONNECT_WAIT_MS, true);
        }
      } catch (MqttException timedOutOrLost) {
        disconnected = false;
      }
    }
    client.close(!disconnected);
  }

  /** How long {@link #close()} waits for the broker to take the DISCONNECT. */
  static final long DISCONNECT_WAIT_MS = 5_000;

  /**
   * How long a connect, publish or subscribe waits for the broker's acknowledgement before it fails
   * with {@link MqttException#REASON_CODE_CLIENT_TIMEOUT} ({@link #boundedClient}).
   */
  public static final long OPERATION_WAIT_MS = 30_000;

  /**
   * Paho's blocking client with a disconnect whose wait is bounded, and whose publishes in a tight
   * loop are all sent.
   */
  private static final class BoundedClient extends MqttClient {
    BoundedClient(String brokerUrl, String clientId) throws MqttException {
      super(brokerUrl, clientId, new MemoryPersistence());
      setTimeToWait(OPERATION_WAIT_MS);
    }

    /**
     * Publishes as Paho does, but a publish Paho refuses on the client's side as over the broker's
     * receive maximum ({@link MqttClientException#REASON_CODE_MAX_INFLIGHT}) is tried again until
     * it goes out (at most {@link #OPERATION_WAIT_MS}). Paho 1.2.5 (v5) ends a QoS 1 publish's wait
     * when its PUBACK arrives, on the receiving thread, but frees its in-flight slot later, on the
     * callback thread ({@code ClientState.notifyResult}, then {@code notifyComplete}): a loop of
     * blocking publishes can get ahead of that thread by the whole window (Mosquitto's 20) and then
     * has publishes refused that never reach the broker (seen losing 1 to 245 of 1,000). Paho's
     * check comes before the message is stored or sent, and it undoes the message id, so trying
     * again sends each message once.
     */
    @Override
    public void publish(String topic, MqttMessage message) throws MqttException {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(OPERATION_WAIT_MS);
      while (true) {
        try {
          super.publish(topic, message);
          return;
        } catch (MqttException e) {
          if (e.getReasonCode() != MqttClientException.REASON_CODE_MAX_INFLIGHT
              || System.nanoTime() - deadline > 0) {
            throw e;
          }
          try {
            Thread.sleep(1); // the callback thread frees a slot per acknowledged publish
          } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw e;
          }
        }
      }
    }

    /**
     * Sends DISCONNECT at once and waits up to {@code millis} for it to complete; throws when the
     * wait runs out or the connection is lost first. No quiesce: this client's publishes block
     * until they complete, so what is still in flight at close is a publish the broker refused
     * without an acknowledgement, which Paho's default 30 s quiesce would wait out.
     */
    void disconnectWithin(long millis) throws MqttException {
      aClient.disconnect(0).waitForCompletion(millis);
    }
  }
}
