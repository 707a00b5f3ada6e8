package io.bdt.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bdt.dnn.vibration.MachineState;
import io.bdt.dnn.vibration.VibrationGenerator;
import io.bdt.dnn.vibration.VibrationWindow;
import io.bdt.pki.Pem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * A simulated fleet of vibration sensors on MQTT: each device provisions itself at its gateway the
 * way a real device does (a provisioning connection as {@code provision:<profile key>} that reads
 * only its own reply), keeps the issued secret in an owner-only credentials file, and connects with
 * it as itself; then it publishes one accelerometer window (the dnn module's {@link
 * VibrationGenerator}, 1024 samples at 10 kHz) every period as JSON telemetry. A device's machine
 * state is {@code normal} until a fault is injected. Without {@link #provision} (a broker without
 * device identity) the fleet publishes through one anonymous connection.
 */
final class SensorFleet implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One device: its id and the gateway that hosts its twin. */
  record Device(String id, String gatewayId) {}

  private final String brokerUrl;
  private final SSLSocketFactory tls;
  private volatile MqttClient shared;
  private final Map<String, MqttClient> clients = new ConcurrentHashMap<>();
  private final List<Device> devices;
  private final Map<String, MachineState> states = new ConcurrentHashMap<>();
  private final VibrationGenerator generator;
  private final AtomicLong published = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("fleet").daemon().factory());

  SensorFleet(String brokerUrl, List<Device> devices, long seed) {
    this(brokerUrl, devices, seed, null);
  }

  /** A fleet on {@code brokerUrl}, over {@code tls} when not null ({@code ssl://} URLs). */
  SensorFleet(String brokerUrl, List<Device> devices, long seed, SSLSocketFactory tls) {
    this.brokerUrl = brokerUrl;
    this.tls = tls;
    this.devices = List.copyOf(devices);
    this.generator = new VibrationGenerator(seed);
    devices.forEach(d -> states.put(d.id(), MachineState.NORMAL));
  }

  /**
   * Gives every device its own connection: a device whose secret is in {@code credentials} (from an
   * earlier run) connects with it; any other asks its own gateway to provision it (profile key and
   * secret) on {@code bdt/{gatewayId}/provision/request/{clientId}}, stores the issued secret in
   * {@code credentials} (owner-only) and connects with it.
   *
   * @throws IOException naming the device when its gateway refuses it or does not answer
   */
  void provision(String key, String secret, Path credentials) throws IOException, MqttException {
    ObjectNode stored =
        Files.exists(credentials)
            ? (ObjectNode) JSON.readTree(credentials.toFile())
            : JSON.createObjectNode();
    for (Device d : devices) {
      if (!stored.hasNonNull(d.id())) {
        stored.put(d.id(), provisionOne(d, key, secret));
        Pem.writeSecret(
            credentials, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(stored));
      }
      clients.put(
          d.id(), connect(d.id() + "-" + UUID.randomUUID(), d.id(), stored.get(d.id()).asText()));
    }
  }

  /** One provisioning exchange; returns the issued device secret. */
  private String provisionOne(Device d, String key, String secret)
      throws IOException, MqttException {
    String clientId = "prov-" + UUID.randomUUID();
    CompletableFuture<JsonNode> reply = new CompletableFuture<>();
    MqttClient provisioning = connect(clientId, "provision:" + key, secret);
    try {
      provisioning.setCallback(new ReplyCallback(reply));
      provisioning.subscribe(
          new String[] {"bdt/" + d.gatewayId() + "/provision/reply/" + clientId}, new int[] {1});
      ObjectNode request = JSON.createObjectNode();
      request.put("provisioningKey", key);
      request.put("provisioningSecret", secret);
      request.put("deviceId", d.id());
      provisioning.publish(
          "bdt/" + d.gatewayId() + "/provision/request/" + clientId,
          JSON.writeValueAsBytes(request),
          1,
          false);
      JsonNode answer = reply.get(30, TimeUnit.SECONDS);
      if (!"provisioned".equals(answer.path("status").asText())) {
        throw new IOException(
            "gateway "
                + d.gatewayId()
                + " refused to provision "
                + d.id()
                + ": "
                + answer.path("reason").asText()
                + " ("
                + answer.path("detail").asText()
                + ")");
      }
      return answer.path("deviceSecret").asText();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while provisioning " + d.id(), e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException(
          "gateway " + d.gatewayId() + " did not answer " + d.id() + "'s provisioning request", e);
    } finally {
      provisioning.disconnect();
      provisioning.close();
    }
  }

  private MqttClient connect(String clientId, String username, String password)
      throws MqttException {
    MqttClient c = new MqttClient(brokerUrl, clientId, new MemoryPersistence());
    MqttConnectionOptions options = new MqttConnectionOptions();
    options.setAutomaticReconnect(true);
    options.setCleanStart(true);
    if (username != null) {
      options.setUserName(username);
      options.setPassword(password.getBytes(StandardCharsets.UTF_8));
    }
    if (tls != null) {
      options.setSocketFactory(tls);
    }
    c.connect(options);
    return c;
  }

  /** Completes a future with the first message's JSON. */
  private record ReplyCallback(CompletableFuture<JsonNode> reply) implements MqttCallback {
    @Override
    public void messageArrived(String topic, MqttMessage message) {
      try {
        reply.complete(JSON.readTree(message.getPayload()));
      } catch (IOException e) {
        reply.completeExceptionally(e);
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
  }

  /** Starts publishing one window per device every {@code periodMillis}. */
  void start(long periodMillis) throws MqttException {
    if (clients.size() < devices.size()) {
      shared = connect("bdt-fleet-" + UUID.randomUUID(), null, null);
    }
    timer.scheduleAtFixedRate(this::publishAll, 0, periodMillis, TimeUnit.MILLISECONDS);
  }

  /**
   * Sets {@code deviceId}'s machine state from now on.
   *
   * @throws IllegalArgumentException naming the device or state when either is unknown
   */
  void inject(String deviceId, String state) {
    if (!states.containsKey(deviceId)) {
      throw new IllegalArgumentException(
          "fault: no device " + deviceId + " (devices: " + states.keySet() + ")");
    }
    MachineState s =
        MachineState.ORDER.stream()
            .filter(m -> m.label().equals(state))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "fault: state must be one of "
                            + MachineState.ORDER.stream().map(MachineState::label).toList()
                            + ", got "
                            + state));
    states.put(deviceId, s);
  }

  private void publishAll() {
    for (Device d : devices) {
      VibrationWindow w;
      synchronized (generator) {
        w = generator.next(states.get(d.id()));
      }
      ObjectNode body = JSON.createObjectNode();
      body.put("ts", System.currentTimeMillis());
      body.put("shaftHz", w.shaftHz());
      ArrayNode samples = body.putArray("samples");
      for (float f : w.samples()) {
        samples.add(f);
      }
      try {
        clients
            .getOrDefault(d.id(), shared)
            .publish(
                "bdt/" + d.gatewayId() + "/devices/" + d.id() + "/telemetry",
                JSON.writeValueAsBytes(body),
                0,
                false);
        published.incrementAndGet();
      } catch (Exception e) {
        failed.incrementAndGet();
      }
    }
  }

  List<Device> devices() {
    return devices;
  }

  /** Messages published since start. */
  long published() {
    return published.get();
  }

  /** Each device's current machine state. */
  Map<String, String> states() {
    Map<String, String> out = new LinkedHashMap<>();
    devices.forEach(d -> out.put(d.id(), states.get(d.id()).label()));
    return out;
  }

  static List<Device> spread(int count, List<String> gatewayIds) {
    List<Device> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(new Device("vib-" + (i + 1), gatewayIds.get(i % gatewayIds.size())));
    }
    return out;
  }

  /**
   * Stops publishing (a window being sent is finished, so {@link #published} counts what reached
   * the broker) and disconnects; a second call does nothing.
   */
  @Override
  public synchronized void close() throws MqttException {
    if (timer.isShutdown()) {
      return;
    }
    timer.shutdown();
    try {
      if (!timer.awaitTermination(10, TimeUnit.SECONDS)) {
        timer.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      timer.shutdownNow();
    }
    List<MqttClient> all = new ArrayList<>(clients.values());
    if (shared != null) {
      all.add(shared);
    }
    for (MqttClient c : all) {
      if (c.isConnected()) {
        c.disconnect();
      }
      c.close();
    }
  }
}
