package io.bdt.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bdt.pki.TlsContexts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;

/**
 * The ingest benchmark's load: a separate JVM ({@code IngestBenchCommand} starts it, pinned away
 * from the gateway where {@code taskset} is allowed) in which every device connects with its own
 * credentials and publishes JSON telemetry on its own topic as fast as the broker takes it, for a
 * given time, or at a given total rate. Reads its settings (with the device secrets) from the
 * owner-only file named by its only argument, so no secret is on a command line. Prints {@code
 * ready} once every device is connected, publishes until a line arrives on its standard input (or
 * its time limit), {@code published N} twice a second, and {@code done N} at the end.
 */
public final class IngestPublisher {
  /** Messages a device may have handed to its client and not yet seen written (QoS 0) or acked. */
  static final int OUTSTANDING = 500;

  private static final long DISCONNECT_MILLIS = 2_000;

  private static volatile boolean stopped;

  private IngestPublisher() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: IngestPublisher SETTINGS.json");
      System.exit(2);
    }
    JsonNode spec = new ObjectMapper().readTree(Path.of(args[0]).toFile());
    String url = spec.path("url").asText();
    int qos = spec.path("qos").asInt();
    long nanos = TimeUnit.MILLISECONDS.toNanos(spec.path("millis").asLong());
    byte[] payload = spec.path("payload").asText().getBytes(StandardCharsets.UTF_8);
    Optional<Path> ca =
        spec.hasNonNull("caFile")
            ? Optional.of(Path.of(spec.get("caFile").asText()))
            : Optional.empty();
    List<MqttAsyncClient> clients = new ArrayList<>();
    List<String> topics = new ArrayList<>();
    for (JsonNode device : spec.path("devices")) {
      clients.add(
          connect(url, ca, device.path("username").asText(), device.path("secret").asText()));
      topics.add(device.path("topic").asText());
    }
    int threads = Math.max(1, Math.min(spec.path("threads").asInt(2), clients.size()));
    // messages per second per thread; 0: as fast as the broker takes them
    double rate = spec.path("rate").asDouble(0) / threads;
    AtomicLong published = new AtomicLong();
    System.out.println("ready");
    System.out.flush();
    long end = System.nanoTime() + nanos;
    // the driver ends the run by a line on standard input (or by closing it); millis is the limit
    onInput(() -> stopped = true);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int first = t;
      workers.add(
          Thread.ofPlatform()
              .name("publisher-" + t)
              .start(
                  () -> {
                    try {
                      publish(clients, topics, first, threads, payload, qos, end, rate, published);
                    } catch (MqttException e) {
                      System.err.println("publisher: " + e);
                    }
                  }));
    }
    while (workers.stream().anyMatch(Thread::isAlive)) {
      for (Thread w : workers) {
        w.join(500);
      }
      System.out.println("published " + published.get());
      System.out.flush();
    }
    System.out.println("done " + published.get());
    System.out.flush();
    disconnect(clients);
    // Paho's threads may still hold a backlog of QoS 0 writes: the count is out, so exit now
    System.exit(0);
  }

  /** Runs {@code stop} (on a daemon thread) once a line arrives on standard input or it closes. */
  static void onInput(Runnable stop) {
    Thread.ofPlatform()
        .daemon()
        .start(
            () -> {
              try {
                System.in.read();
              } catch (IOException e) {
                // closed: stop as well
              }
              stop.run();
            });
  }

  /**
   * Disconnects every client at once, each given {@link #DISCONNECT_MILLIS}: at a high QoS 0 rate
   * each connection still holds a backlog of writes, and disconnecting them one by one (up to 5 s
   * each) outlasted the driver's wait, so the run failed with "the publisher JVM failed".
   */
  private static void disconnect(List<MqttAsyncClient> clients) {
    List<Thread> closing = new ArrayList<>();
    for (MqttAsyncClient c : clients) {
      closing.add(
          Thread.ofPlatform()
              .daemon()
              .start(
                  () -> {
                    try {
                      c.disconnectForcibly(0, DISCONNECT_MILLIS, false);
                    } catch (MqttException e) {
                      // the driver only needs the count; the broker drops the connection anyway
                    }
                  }));
    }
    long limit = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2 * DISCONNECT_MILLIS);
    for (Thread t : closing) {
      long left = TimeUnit.NANOSECONDS.toMillis(limit - System.nanoTime());
      if (left <= 0) {
        return;
      }
      try {
        t.join(left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static MqttAsyncClient connect(
      String url, Optional<Path> ca, String username, String secret)
      throws MqttException, IOException {
    MqttAsyncClient client =
        new MqttAsyncClient(
            url, "bench-" + username + "-" + UUID.randomUUID(), new MemoryPersistence());
    MqttConnectionOptions options = new MqttConnectionOptions();
    options.setCleanStart(true);
    options.setUserName(username);
    options.setPassword(secret.getBytes(StandardCharsets.UTF_8));
    options.setMaxReconnectDelay(1000);
    if (ca.isPresent()) {
      options.setSocketFactory(
          TlsContexts.fromPem(ca.get(), Optional.empty(), Optional.empty()).getSocketFactory());
      options.setHttpsHostnameVerificationEnabled(true);
    }
    client.connect(options).waitForCompletion(15_000);
    return client;
  }

  /** Round-robin over this thread's devices until {@code end}, at most OUTSTANDING per device. */
  private static void publish(
      List<MqttAsyncClient> clients,
      List<String> topics,
      int first,
      int stride,
      byte[] payload,
      int qos,
      long end,
      double rate,
      AtomicLong published)
      throws MqttException {
    long start = System.nanoTime();
    long count = 0;
    List<Integer> mine = new ArrayList<>();
    for (int i = first; i < clients.size(); i += stride) {
      mine.add(i);
    }
    IMqttToken[][] window = new IMqttToken[clients.size()][OUTSTANDING];
    long[] sent = new long[clients.size()];
    while (!stopped && System.nanoTime() < end) {
      for (int i : mine) {
        if (rate > 0) { // paced: message n of this thread is due at start + n / rate
          long wait = start + (long) (count * 1e9 / rate) - System.nanoTime();
          if (wait > 0) {
            LockSupport.parkNanos(wait);
          }
        }
        int slot = (int) (sent[i] % OUTSTANDING);
        IMqttToken previous = window[i][slot];
        if (previous != null && !previous.isComplete()) {
          previous.waitForCompletion(10_000); // the broker is not keeping up: wait for it
        }
        try {
          window[i][slot] = clients.get(i).publish(topics.get(i), payload, qos, false);
          sent[i]++;
          count++;
          published.incrementAndGet();
        } catch (MqttException e) {
          if (e.getReasonCode() != MqttClientException.REASON_CODE_MAX_INFLIGHT) {
            throw e;
          }
          // the broker's receive maximum: let the client's threads (same CPU) take its acks
          LockSupport.parkNanos(50_000);
        }
      }
    }
  }
}
