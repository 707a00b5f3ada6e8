package io.bdt.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.gateway.access.ExtensionAccess;
import io.bdt.gateway.device.DeviceRecord;
import io.bdt.gateway.device.SecretHash;
import io.bdt.gateway.mqtt.MessageCallback;
import io.bdt.gateway.sim.DeviceSimulator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded broker's in-flight window ({@link MqttBroker#INFLIGHT_WINDOW}). HiveMQ CE sends a
 * subscriber's QoS 1 messages from its queue in batches and polls the next batch only once every
 * message of the last one is acknowledged (its {@code PublishPollServiceImpl}; {@code
 * ClientQueuePersistenceImpl.publishAvailable} does nothing while messages are in flight). So a
 * subscriber that acknowledges nothing gets only the first batch, one message when they arrive one
 * by one (what an earlier version of this test saw: 1 of 200); the window bounds how many of the
 * messages that queued meanwhile the next batch carries: all 200 here, not HiveMQ's internal 50.
 */
@Timeout(120)
class MqttBrokerWindowTest {

  private static final int MESSAGES = 200;

  @TempDir Path dir;

  @Test
  void messagesQueuedWhileOneIsInFlightFollowInOneBatchLargerThanHiveMqsDefault() throws Exception {
    PlatformPki pki = PlatformPki.open(dir.resolve("pki"), Clock.systemUTC());
    try (MqttBroker broker = new MqttBroker(dir.resolve("mqtt"), 0, pki, List.of("gw1"))) {
      Set<Integer> received = ConcurrentHashMap.newKeySet();
      java.util.concurrent.CompletableFuture<Integer> firstId =
          new java.util.concurrent.CompletableFuture<>();
      MqttAsyncClient gateway = new MqttAsyncClient(broker.url(), "gw1", new MemoryPersistence());
      gateway.setManualAcks(true); // and never acknowledges
      gateway.setCallback(new Receiving(received, firstId));
      MqttConnectionOptions options = new MqttConnectionOptions();
      options.setCleanStart(true);
      options.setUserName("gateway:gw1");
      options.setPassword(
          Files.readString(broker.passwordFile("gw1")).strip().getBytes(StandardCharsets.UTF_8));
      gateway.connect(options).waitForCompletion(10_000);
      gateway
          .subscribe(new String[] {"bdt/gw1/devices/+/telemetry"}, new int[] {1})
          .waitForCompletion(10_000);
      String secret = "window-secret";
      new ExtensionAccess("gw1", Map.of())
          .grant(
              gateway,
              new DeviceRecord(
                  "win-1",
                  "vibration-sensor",
                  SecretHash.hash(secret, new SecureRandom()),
                  false,
                  Instant.now()),
              secret);

      MqttClient device = DeviceSimulator.boundedClient(broker.url(), "win-1");
      MqttConnectionOptions deviceOptions = new MqttConnectionOptions();
      deviceOptions.setUserName("win-1");
      deviceOptions.setPassword(secret.getBytes(StandardCharsets.UTF_8));
      device.connect(deviceOptions);
      // one message in flight, unacknowledged: the broker queues what follows
      device.publish(
          "bdt/gw1/devices/win-1/telemetry",
          "{\"seq\":1000}".getBytes(StandardCharsets.UTF_8),
          1,
          false);
      int inFlight = firstId.get(10, java.util.concurrent.TimeUnit.SECONDS);
      for (int i = 0; i < MESSAGES; i++) {
        device.publish(
            "bdt/gw1/devices/win-1/telemetry",
            ("{\"seq\":" + i + "}").getBytes(StandardCharsets.UTF_8),
            1,
            false);
      }
      // each publish above returned with the broker's PUBACK: all 200 are queued now
      assertThat(received).containsExactly(1000);
      gateway.messageArrivedComplete(inFlight, 1); // the only acknowledgement sent
      Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
      while (received.size() < MESSAGES + 1 && Instant.now().isBefore(deadline)) {
        Thread.sleep(50);
      }
      DeviceSimulator.disconnectAndClose(device);
      gateway.disconnectForcibly(0, 1_000, false);
      gateway.close(true);
      assertThat(received).hasSize(MESSAGES + 1);
    }
  }

  /** Records each message's {@code seq} and the first one's packet id; acknowledges nothing. */
  private record Receiving(
      Set<Integer> received, java.util.concurrent.CompletableFuture<Integer> firstId)
      implements MessageCallback {
    @Override
    public void messageArrived(String topic, MqttMessage message) {
      String body = new String(message.getPayload(), StandardCharsets.UTF_8);
      received.add(Integer.parseInt(body.replaceAll("\\D", "")));
      firstId.complete(message.getId());
    }
  }
}
