package io.bdt.platform;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bdt.dnn.vibration.MachineState;
import io.bdt.dnn.vibration.VibrationGenerator;
import io.bdt.dnn.vibration.VibrationWindow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;

/**
 * A simulated fleet of vibration sensors on MQTT: each device provisions itself at its gateway,
 * then publishes one accelerometer window (the dnn module's {@link VibrationGenerator}, 1024
 * samples at 10 kHz) every period as JSON telemetry. A device's machine state is {@code normal}
 * until a fault is injected.
 */
final class SensorFleet implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One device: its id and the gateway that hosts its twin. */
  record Device(String id, String gatewayId) {}

  private final MqttClient client;
  private final List<Device> devices;
  private final Map<String, MachineState> states = new ConcurrentHashMap<>();
  private final VibrationGenerator generator;
  private final AtomicLong published = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("fleet").daemon().factory());

  SensorFleet(String brokerUrl, List<Device> devices, long seed) throws MqttException {
    this.devices = List.copyOf(devices);
    this.generator = new VibrationGenerator(seed);
    devices.forEach(d -> states.put(d.id(), MachineState.NORMAL));
    client = new MqttClient(brokerUrl, "bdt-fleet-" + UUID.randomUUID(), new MemoryPersistence());
    MqttConnectionOptions options = new MqttConnectionOptions();
    options.setAutomaticReconnect(true);
    options.setCleanStart(true);
    client.connect(options);
  }

  /**
   * Asks each device's own gateway to provision it (profile key and secret of the gateways'
   * profile), on {@code bdt/{gatewayId}/provision/request/{requestId}}: only that gateway answers
   * and registers the device.
   */
  void provision(String key, String secret) throws MqttException {
    for (Device d : devices) {
      ObjectNode request = JSON.createObjectNode();
      request.put("provisioningKey", key);
      request.put("provisioningSecret", secret);
      request.put("deviceId", d.id());
      try {
        client.publish(
            "bdt/" + d.gatewayId() + "/provision/request/" + UUID.randomUUID(),
            JSON.writeValueAsBytes(request),
            1,
            false);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** Starts publishing one window per device every {@code periodMillis}. */
  void start(long periodMillis) {
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
        client.publish(
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

  @Override
  public void close() throws MqttException {
    timer.shutdownNow();
    if (client.isConnected()) {
      client.disconnect();
    }
    client.close();
  }
}
