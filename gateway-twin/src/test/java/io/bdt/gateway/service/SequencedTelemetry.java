package io.bdt.gateway.service;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;

/**
 * Test load: one thread per device publishes JSON telemetry {@code {"seq": n, "level": ...}} at QoS
 * 1, {@code n} counting up from 1, one message every {@code periodMillis}. A number counts as acked
 * when the broker's PUBACK accepts it; until then the device keeps retrying the same number
 * (reconnecting every 100 ms while the broker is away), as a device with a one-message buffer
 * would. A retry of a message the broker had accepted but whose PUBACK was lost is a duplicate the
 * gateway sees twice.
 */
final class SequencedTelemetry implements AutoCloseable {

  private final String brokerUrl;
  private final String gatewayId;
  private final Map<String, String> secrets;
  private final long periodMillis;
  private final Map<String, NavigableMap<Long, Long>> acked = new java.util.TreeMap<>();
  private final AtomicLong attempts = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean running;

  /**
   * @param secrets device id to the secret its gateway issued (the device's MQTT password)
   */
  SequencedTelemetry(
      String brokerUrl, String gatewayId, Map<String, String> secrets, long periodMillis) {
    this.brokerUrl = brokerUrl;
    this.gatewayId = gatewayId;
    this.secrets = secrets;
    this.periodMillis = periodMillis;
    secrets.keySet().forEach(d -> acked.put(d, new ConcurrentSkipListMap<>()));
  }

  void start() {
    running = true;
    for (Map.Entry<String, String> device : secrets.entrySet()) {
      Thread t =
          Thread.ofPlatform()
              .name("load-" + device.getKey())
              .start(() -> publish(device.getKey(), device.getValue()));
      threads.add(t);
    }
  }

  private void publish(String deviceId, String secret) {
    String topic = "bdt/" + gatewayId + "/devices/" + deviceId + "/telemetry";
    NavigableMap<Long, Long> mine = acked.get(deviceId);
    long seq = 1;
    MqttAsyncClient client = null;
    while (running) {
      try {
        if (client == null || !client.isConnected()) {
          client = connect(client, deviceId, secret);
        }
        attempts.incrementAndGet();
        byte[] payload =
            ("{\"seq\":" + seq + ",\"level\":" + (seq % 97) + "}").getBytes(StandardCharsets.UTF_8);
        IMqttToken token = client.publish(topic, payload, 1, false);
        token.waitForCompletion(10_000);
        int[] codes = token.getReasonCodes();
        if (codes != null && codes.length > 0 && codes[0] >= 0x80) {
          throw new IllegalStateException("PUBACK refused seq " + seq + ": reason " + codes[0]);
        }
        mine.put(seq, System.nanoTime());
        seq++;
        Thread.sleep(periodMillis);
      } catch (MqttException | RuntimeException e) {
        failures.incrementAndGet();
        pause(100);
      } catch (InterruptedException e) {
        break;
      }
    }
    close(client);
  }

  private MqttAsyncClient connect(MqttAsyncClient old, String deviceId, String secret)
      throws MqttException {
    close(old);
    MqttAsyncClient client =
        new MqttAsyncClient(brokerUrl, deviceId + "-load", new MemoryPersistence());
    MqttConnectionOptions options = new MqttConnectionOptions();
    options.setCleanStart(true);
    options.setUserName(deviceId);
    options.setPassword(secret.getBytes(StandardCharsets.UTF_8));
    options.setConnectionTimeout(5);
    try {
      client.connect(options).waitForCompletion(5_000);
    } catch (MqttException e) {
      close(client);
      throw e;
    }
    return client;
  }

  private static void close(MqttAsyncClient client) {
    if (client == null) {
      return;
    }
    try {
      if (client.isConnected()) {
        client.disconnect().waitForCompletion(2_000);
      }
    } catch (MqttException ignored) {
      // going away either way
    }
    try {
      client.close(true);
    } catch (MqttException ignored) {
      // closed
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The device ids, in order. */
  List<String> devices() {
    return List.copyOf(acked.keySet());
  }

  /** Numbers the broker acked for {@code deviceId}, with {@link System#nanoTime} of the ack. */
  NavigableMap<Long, Long> acked(String deviceId) {
    return acked.get(deviceId);
  }

  /** Numbers the broker acked, all devices. */
  long ackedTotal() {
    return acked.values().stream().mapToLong(Map::size).sum();
  }

  /** Publish attempts (acked ones, retries and refused ones). */
  long attempts() {
    return attempts.get();
  }

  /** Publish attempts that failed (broker away, timeout) and were retried. */
  long failures() {
    return failures.get();
  }

  /** Stops every device after its current publish. */
  @Override
  public void close() throws InterruptedException {
    running = false;
    for (Thread t : threads) {
      t.join(30_000);
    }
  }
}
