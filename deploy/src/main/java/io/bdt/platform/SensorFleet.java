package io.bdt.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bdt.dnn.vibration.MachineState;
import io.bdt.dnn.vibration.VibrationGenerator;
import io.bdt.dnn.vibration.VibrationWindow;
import io.bdt.gateway.mqtt.PahoReconnect;
import io.bdt.gateway.sim.DeviceSimulator;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;

/**
 * A simulated fleet of vibration sensors and cameras on MQTT: each device provisions itself at its
 * gateway the way a real device does (a provisioning connection as {@code provision:<profile key>}
 * that reads only its own reply), keeps the issued secret in an owner-only credentials file, and
 * connects with it as itself; then it publishes one window every period as JSON telemetry: a
 * vibration sensor one accelerometer window (the dnn module's {@link VibrationGenerator}, 1024
 * samples at 10 kHz, as {@code samples}), a camera one 8-bit RGB frame of its model's input size
 * (seeded noise, as Base64 {@code pixels}). A vibration sensor's machine state is {@code normal}
 * until a fault is injected. Without {@link #provision} (a broker without device identity) the
 * fleet publishes through one anonymous connection.
 *
 * <p>Each device numbers its windows ({@code seq} 1, 2, ... in the payload) and publishes at QoS 1.
 * A window counts as sent once the broker's PUBACK accepts it ({@link #acked}); until then the
 * device holds it and publishes the same window again each period, as a device with a one-window
 * buffer would (it makes no new window meanwhile). So a window missing from its twin's history is a
 * loss the platform caused, countable by its number.
 */
final class SensorFleet implements AutoCloseable {

  /** The platform fleet's seed: every run's sensors draw the same windows. */
  static final long SEED = 20_261_124L;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One device: its id, the gateway that hosts its twin, and its class. */
  record Device(String id, String gatewayId, DeviceClass type) {
    /** A vibration sensor. */
    Device(String id, String gatewayId) {
      this(id, gatewayId, DeviceClass.VIBRATION);
    }
  }

  private final String brokerUrl;
  private final SSLSocketFactory tls;
  private volatile MqttClient shared;
  private final Map<String, MqttClient> clients = new ConcurrentHashMap<>();
  private final List<Device> devices;
  private final Map<String, MachineState> states = new ConcurrentHashMap<>();
  private final VibrationGenerator generator;
  private final java.util.SplittableRandom pixels;
  private final AtomicLong published = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();

  /** Per device: the window it holds until the broker acks it, if any. */
  private final Map<String, Pending> held = new ConcurrentHashMap<>();

  /** Per device: the {@code ts} of every window the broker acked, by {@code seq}. */
  private final Map<String, java.util.NavigableMap<Long, Long>> acked = new ConcurrentHashMap<>();

  /** A window published and not yet acked. */
  private record Pending(long seq, long ts, byte[] payload) {}

  /** How long a publish waits for its PUBACK before the device tries again next period. */
  private static final long PUBACK_WAIT_MILLIS = 10_000;

  /**
   * The longest wait, seconds, between a device's attempts to reconnect after losing the broker
   * (the first is after 1 s, doubling up to this; {@link PahoReconnect}). Paho's own default is 128
   * s, which left devices silent for up to a minute after a broker restart (docs/reliability.md).
   */
  static final int RECONNECT_MAX_DELAY_SECONDS = 2;

  private volatile int reconnectMaxDelaySeconds = RECONNECT_MAX_DELAY_SECONDS;

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
    this.pixels = new java.util.SplittableRandom(seed);
    devices.forEach(d -> states.put(d.id(), MachineState.NORMAL));
    devices.forEach(d -> acked.put(d.id(), new java.util.concurrent.ConcurrentSkipListMap<>()));
  }

  /**
   * Sets the longest wait between reconnect attempts (before {@link #provision}/{@link #start}).
   */
  SensorFleet withReconnectMaxDelay(int seconds) {
    if (seconds < 1) {
      throw new IllegalArgumentException("reconnect max delay must be >= 1 s, got " + seconds);
    }
    this.reconnectMaxDelaySeconds = seconds;
    return this;
  }

  /**
   * Gives every device its own connection: a device whose secret is in {@code credentials} (from an
   * earlier run) connects with it; any other asks its own gateway to provision it (profile key and
   * secret) on {@code bdt/{gatewayId}/provision/request/{requestId}} (its client id and a fresh
   * nonce, {@link io.bdt.gateway.access.RequestId}, so no one else can name the reply topic),
   * stores the issued secret in {@code credentials} (owner-only) and connects with it.
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

  /**
   * One provisioning exchange, through a {@link DeviceSimulator} provisioning client; returns the
   * issued device secret.
   */
  private String provisionOne(Device d, String key, String secret)
      throws IOException, MqttException {
    JsonNode answer;
    try (DeviceSimulator provisioning =
        DeviceSimulator.provisioningClient(brokerUrl, d.gatewayId(), key, secret, tls)) {
      answer = provisioning.provision(key, secret, d.id());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while provisioning " + d.id(), e);
    } catch (TimeoutException e) {
      throw new IOException(
          "gateway " + d.gatewayId() + " did not answer " + d.id() + "'s provisioning request", e);
    }
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
  }

  private MqttClient connect(String clientId, String username, String password)
      throws MqttException {
    MqttClient c = new MqttClient(brokerUrl, clientId, new MemoryPersistence());
    MqttConnectionOptions options = new MqttConnectionOptions();
    PahoReconnect.upTo(options, java.time.Duration.ofSeconds(reconnectMaxDelaySeconds));
    options.setCleanStart(true);
    if (username != null) {
      options.setUserName(username);
      options.setPassword(password.getBytes(StandardCharsets.UTF_8));
    }
    if (tls != null) {
      options.setSocketFactory(tls);
    }
    c.setTimeToWait(PUBACK_WAIT_MILLIS);
    c.connect(options);
    return c;
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
    if (devices.stream()
        .anyMatch(d -> d.id().equals(deviceId) && d.type() != DeviceClass.VIBRATION)) {
      throw new IllegalArgumentException(
          "fault: " + deviceId + " is a camera; machine faults are a vibration sensor's");
    }
    states.put(deviceId, s);
  }

  private void publishAll() {
    for (Device d : devices) {
      try {
        Pending p = held.computeIfAbsent(d.id(), id -> nextWindow(d));
        clients
            .getOrDefault(d.id(), shared)
            .publish(
                "bdt/" + d.gatewayId() + "/devices/" + d.id() + "/telemetry",
                p.payload(),
                1,
                false);
        acked.get(d.id()).put(p.seq(), p.ts());
        held.remove(d.id());
        published.incrementAndGet();
      } catch (Exception e) {
        failed.incrementAndGet(); // held: published again next period
      }
    }
  }

  /** The device's next window, numbered one past its last. */
  private Pending nextWindow(Device d) {
    java.util.NavigableMap<Long, Long> sent = acked.get(d.id());
    long seq = sent.isEmpty() ? 1 : sent.lastKey() + 1;
    long ts = System.currentTimeMillis();
    ObjectNode body = JSON.createObjectNode();
    body.put("seq", seq);
    body.put("ts", ts);
    if (d.type() == DeviceClass.CAMERA) {
      byte[] frame = new byte[d.type().valuesPerWindow()];
      synchronized (pixels) {
        for (int i = 0; i < frame.length; i++) {
          frame[i] = (byte) pixels.nextInt(256);
        }
      }
      body.put("pixels", java.util.Base64.getEncoder().encodeToString(frame));
    } else {
      VibrationWindow w;
      synchronized (generator) {
        w = generator.next(states.get(d.id()));
      }
      body.put("shaftHz", w.shaftHz());
      ArrayNode samples = body.putArray("samples");
      for (float f : w.samples()) {
        samples.add(f);
      }
    }
    try {
      return new Pending(seq, ts, JSON.writeValueAsBytes(body));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot encode a window", e);
    }
  }

  /** The windows of {@code deviceId} the broker acked: {@code ts} by {@code seq}. */
  java.util.NavigableMap<Long, Long> acked(String deviceId) {
    return java.util.Collections.unmodifiableNavigableMap(acked.get(deviceId));
  }

  /** Publishes that failed (each is tried again next period). */
  long failed() {
    return failed.get();
  }

  List<Device> devices() {
    return devices;
  }

  /** Windows the broker acked since start. */
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
