package io.bdt.gateway.bench;

import com.hivemq.embedded.EmbeddedHiveMQ;
import io.bdt.gateway.GatewayConfig;
import io.bdt.gateway.device.DeviceProfile;
import io.bdt.gateway.device.FileDeviceLedger;
import io.bdt.gateway.device.Provisioner;
import io.bdt.gateway.inference.SensorWindows;
import io.bdt.gateway.ingest.TelemetryIngest;
import io.bdt.gateway.mqtt.MqttGateway;
import io.bdt.gateway.twin.TwinStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Telemetry ingestion throughput of one gateway, next to the broker's own throughput in the same
 * run. One operation = one telemetry message; each invocation publishes {@value #BATCH} JSON
 * messages (QoS 0, 100 devices) and waits until they are all consumed:
 *
 * <ul>
 *   <li>{@code gatewayIngest}: on the gateway's telemetry topics, consumed by the gateway's real
 *       MQTT client, decoded, checked against the device ledger and merged into the twins (journal
 *       included);
 *   <li>{@code brokerDelivery}: the same payloads on a plain topic, consumed by a bare Paho
 *       subscriber that only counts (the broker's own publish-to-subscriber throughput).
 * </ul>
 *
 * <p>{@code broker=hivemq} runs HiveMQ CE in-process; {@code broker=mosquitto} uses the machine's
 * Mosquitto at 127.0.0.1:1883.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class IngestBenchmark {

  static final int BATCH = 20_000;
  static final int DEVICES = 100;
  static final int PUBLISHERS = 4;

  @Param({"hivemq"})
  public String broker;

  private EmbeddedHiveMQ hivemq;
  private Path dir;
  private TwinStore twins;
  private TelemetryIngest ingest;
  private MqttGateway gateway;
  private final List<MqttAsyncClient> publishers = new java.util.ArrayList<>();
  private java.util.concurrent.ExecutorService publishing;
  private MqttClient counter;
  private final AtomicLong counted = new AtomicLong();
  private byte[][] payloads;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    dir = Files.createTempDirectory("bdt-ingest-bench");
    String url;
    if ("mosquitto".equals(broker)) {
      url = "tcp://127.0.0.1:1883";
    } else {
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      Path conf = Files.createDirectories(dir.resolve("conf"));
      Files.writeString(
          conf.resolve("config.xml"),
          "<hivemq><listeners><tcp-listener><port>"
              + port
              + "</port><bind-address>127.0.0.1</bind-address></tcp-listener></listeners>"
              + "<anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>"
              + "</hivemq>");
      hivemq =
          EmbeddedHiveMQ.builder()
              .withConfigurationFolder(conf)
              .withDataFolder(Files.createDirectories(dir.resolve("data")))
              .withExtensionsFolder(Files.createDirectories(dir.resolve("ext")))
              .withoutLoggingBootstrap()
              .build();
      hivemq.start().join();
      url = "tcp://127.0.0.1:" + port;
    }
    String gatewayId = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    SmallRyeConfig config =
        new SmallRyeConfigBuilder()
            .withMapping(GatewayConfig.class)
            .withDefaultValues(
                Map.of(
                    "bdt.gateway.id",
                    gatewayId,
                    "bdt.gateway.mqtt.url",
                    url,
                    "bdt.gateway.mqtt.qos",
                    "0",
                    "bdt.gateway.data-dir",
                    dir.toString()))
            .build();
    GatewayConfig gatewayConfig = config.getConfigMapping(GatewayConfig.class);
    Clock clock = Clock.systemUTC();
    twins = TwinStore.open(dir.resolve("twins"), clock, 10);
    FileDeviceLedger ledger = new FileDeviceLedger(dir.resolve("devices.json"));
    Provisioner provisioner =
        new Provisioner(
            List.of(new DeviceProfile("p", "k", Provisioner.sha256Hex("s"))),
            ledger,
            gatewayId,
            new SecureRandom(),
            clock);
    payloads = new byte[DEVICES][];
    for (int d = 0; d < DEVICES; d++) {
      provisioner.provision(
          new com.fasterxml.jackson.databind.ObjectMapper()
              .readTree(
                  "{\"provisioningKey\":\"k\",\"provisioningSecret\":\"s\",\"deviceId\":\"d"
                      + d
                      + "\"}"));
      payloads[d] =
          ("{\"temperature\":" + (40 + d % 7) + ".5,\"rpm\":" + (1400 + d) + ",\"status\":\"ok\"}")
              .getBytes(StandardCharsets.UTF_8);
    }
    ingest =
        new TelemetryIngest(
            twins, ledger, new SensorWindows(), clock, gatewayConfig, new SimpleMeterRegistry());
    gateway =
        new MqttGateway(gatewayConfig, provisioner, ingest, new SimpleMeterRegistry(), ledger);
    gateway.connect();
    topics = new String[DEVICES];
    rawTopics = new String[DEVICES];
    for (int d = 0; d < DEVICES; d++) {
      topics[d] = "bdt/" + gatewayId + "/devices/d" + d + "/telemetry";
      rawTopics[d] = "bench/" + gatewayId + "/raw/d" + d;
    }
    counter = client(url);
    counter.setCallback(new Counting(counted));
    counter.subscribe(new String[] {"bench/" + gatewayId + "/raw/#"}, new int[] {0});
    for (int p = 0; p < PUBLISHERS; p++) {
      MqttAsyncClient client =
          new MqttAsyncClient(url, "bench-pub-" + UUID.randomUUID(), new MemoryPersistence());
      MqttConnectionOptions options = new MqttConnectionOptions();
      options.setCleanStart(true);
      client.connect(options).waitForCompletion(10_000);
      publishers.add(client);
    }
    publishing = java.util.concurrent.Executors.newFixedThreadPool(PUBLISHERS);
  }

  private String[] topics;
  private String[] rawTopics;

  private static MqttClient client(String url) throws MqttException {
    MqttClient client = new MqttClient(url, "bench-" + UUID.randomUUID(), new MemoryPersistence());
    MqttConnectionOptions options = new MqttConnectionOptions();
    options.setCleanStart(true);
    options.setReceiveMaximum(65535);
    client.connect(options);
    return client;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    publishing.shutdownNow();
    for (MqttAsyncClient p : publishers) {
      p.disconnect().waitForCompletion(5_000);
      p.close();
    }
    counter.disconnect();
    counter.close();
    gateway.disconnect();
    twins.close();
    if (hivemq != null) {
      hivemq.stop().join();
      hivemq.close();
    }
  }

  private void publishAndWait(String[] to, java.util.function.LongSupplier consumed)
      throws Exception {
    long target = consumed.getAsLong() + BATCH;
    List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
    for (int p = 0; p < PUBLISHERS; p++) {
      int first = p;
      MqttAsyncClient client = publishers.get(p);
      done.add(
          publishing.submit(
              () -> {
                IMqttToken last = null;
                for (int i = first; i < BATCH; i += PUBLISHERS) {
                  int d = i % DEVICES;
                  while (true) {
                    try {
                      last = client.publish(to[d], payloads[d], 0, false);
                      break;
                    } catch (MqttException e) {
                      // the client's outbound queue is full: let it drain
                      Thread.sleep(0, 200_000);
                    }
                  }
                }
                if (last != null) {
                  last.waitForCompletion(30_000);
                }
                return null;
              }));
    }
    for (var f : done) {
      f.get();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (consumed.getAsLong() < target) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "only "
                + (consumed.getAsLong() - target + BATCH)
                + " of "
                + BATCH
                + " consumed in 30 s");
      }
      Thread.onSpinWait();
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void gatewayIngest() throws Exception {
    publishAndWait(topics, () -> (long) ingest.ingestedCount());
  }

  /**
   * The gateway's ingest path without MQTT: decode, ledger check, twin merge and journal append of
   * one message, called directly (the CPU cost per message the gateway adds to the broker's).
   */
  @Benchmark
  public Object ingestPathOnly() {
    int d = (int) (sequence++ % DEVICES);
    return ingest.acceptJson("d" + d, payloads[d]);
  }

  private long sequence;

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void brokerDelivery() throws Exception {
    publishAndWait(rawTopics, counted::get);
  }

  private record Counting(AtomicLong count) implements MqttCallback {
    @Override
    public void messageArrived(String topic, MqttMessage message) {
      count.incrementAndGet();
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
}
