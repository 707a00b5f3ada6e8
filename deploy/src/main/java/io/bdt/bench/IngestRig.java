package io.bdt.bench;

import io.bdt.gateway.GatewayConfig;
import io.bdt.gateway.access.AccessTable;
import io.bdt.gateway.device.DeviceRecord;
import io.bdt.gateway.device.FileDeviceLedger;
import io.bdt.gateway.device.Provisioner;
import io.bdt.gateway.device.SecretHash;
import io.bdt.gateway.inference.SensorWindows;
import io.bdt.gateway.ingest.TelemetryIngest;
import io.bdt.gateway.mqtt.MessageCallback;
import io.bdt.gateway.mqtt.MqttGateway;
import io.bdt.gateway.twin.Twin;
import io.bdt.gateway.twin.TwinEvent;
import io.bdt.gateway.twin.TwinStore;
import io.bdt.pki.Pem;
import io.bdt.pki.TlsContexts;
import io.bdt.platform.MqttBroker;
import io.bdt.platform.PlatformPki;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;

/**
 * One configuration of the ingest benchmark: a broker (the embedded HiveMQ CE with the B-DT
 * device-identity extension, or a Mosquitto of its own with the dynamic security plugin), with or
 * without TLS, at one QoS; one or more gateways, each with its own devices (registered in its
 * ledger), twin store and MQTT client; and the two consumers measured in turn on the same telemetry
 * topics: the gateways (their real MQTT clients, ingest paths and twin stores) and, per gateway, a
 * bare subscriber that only counts (the broker's own rate).
 */
final class IngestRig implements AutoCloseable {
  /** The gateway's id when there is one; with several: bench-a, bench-b, ... */
  static final String GATEWAY = "bench";

  /** Direct calls of the ingest path before any MQTT traffic (JIT warm-up), per gateway. */
  static final int WARMUP_CALLS = 50_000;

  /**
   * PBKDF2 iterations of the device secrets' hashes when there are more than a hundred devices: the
   * embedded broker checks one per login, and at {@link SecretHash#ITERATIONS} (about 50 ms each)
   * 10,000 logins would take minutes of CPU; the login cost is not what is measured.
   */
  static final int FLEET_HASH_ITERATIONS = 1_000;

  /** The consumers of a phase. */
  enum Consumer {
    GATEWAY,
    SUBSCRIBER
  }

  /** One gateway of the rig, its devices, and what its phase counts. */
  private static final class Gateway {
    final String id;
    final String user;
    final Path passwordFile;
    final Map<String, String> deviceSecrets = new LinkedHashMap<>();
    TwinStore twins;
    TelemetryIngest ingest;
    MqttGateway mqtt;
    MqttAsyncClient subscriber;
    final AtomicLong subscriberCount = new AtomicLong();
    final Latencies twinLatency = new Latencies();
    final Latencies deliveryLatency = new Latencies();

    Gateway(String id, String user, Path passwordFile) {
      this.id = id;
      this.user = user;
      this.passwordFile = passwordFile;
    }
  }

  private final String broker;
  private final boolean tls;
  private final int qos;
  private final Path dir;
  private final AutoCloseable brokerProcess;
  private final OptionalLong brokerPid;
  private final String url;
  private final Optional<Path> caFile;
  private final int hashIterations;
  private final List<Gateway> gateways = new ArrayList<>();

  /**
   * @param gatewayCount gateways, the devices split evenly between them
   * @param mosquittoInflight Mosquitto's {@code max_inflight_messages} per client
   * @param brokerLauncher what goes before an external broker's command ({@code taskset -c 0})
   * @param hivemqPersistence where the embedded broker keeps sessions and queued messages
   */
  IngestRig(
      String broker,
      boolean tls,
      int qos,
      int devices,
      int gatewayCount,
      int mosquittoInflight,
      Path dir,
      PlatformPki pki,
      List<String> brokerLauncher,
      MqttBroker.Persistence hivemqPersistence)
      throws Exception {
    this.broker = broker;
    this.tls = tls;
    this.qos = qos;
    this.dir = Files.createDirectories(dir);
    Clock clock = Clock.systemUTC();
    SecureRandom random = new SecureRandom();
    hashIterations = devices > 100 ? FLEET_HASH_ITERATIONS : SecretHash.ITERATIONS;
    List<String> ids = new ArrayList<>();
    for (int g = 0; g < gatewayCount; g++) {
      ids.add(gatewayCount == 1 ? GATEWAY : GATEWAY + "-" + (char) ('a' + g));
    }
    String access;
    MqttBroker hivemq = null;
    MosquittoBroker mosquitto = null;
    if ("hivemq".equals(broker)) {
      hivemq = new MqttBroker(dir.resolve("hivemq"), 0, pki, ids, hivemqPersistence);
      access = "extension";
    } else if ("mosquitto".equals(broker)) {
      access = "none"; // the plugin's file decides who connects; the gateways tell it nothing
    } else {
      throw new IllegalArgumentException("broker must be hivemq or mosquitto, got " + broker);
    }
    List<FileDeviceLedger> ledgers = new ArrayList<>();
    for (int g = 0; g < gatewayCount; g++) {
      String id = ids.get(g);
      Gateway gw;
      if (hivemq != null) {
        gw = new Gateway(id, AccessTable.GATEWAY_PREFIX + id, hivemq.passwordFile(id));
      } else {
        byte[] secret = new byte[24];
        random.nextBytes(secret);
        gw = new Gateway(id, AccessTable.GATEWAY_PREFIX + id, dir.resolve(id + ".password"));
        Pem.writeSecret(gw.passwordFile, HexFormat.of().formatHex(secret) + "\n");
      }
      FileDeviceLedger ledger = new FileDeviceLedger(dir.resolve(id).resolve("devices.json"));
      List<DeviceRecord> records = new ArrayList<>();
      for (int d = g; d < devices; d += gatewayCount) {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String deviceSecret = HexFormat.of().formatHex(secret);
        String deviceId = "d" + d;
        gw.deviceSecrets.put(deviceId, deviceSecret);
        records.add(
            new DeviceRecord(
                deviceId,
                "bench",
                SecretHash.hash(deviceSecret, random, hashIterations),
                false,
                clock.instant()));
      }
      ledger.registerAll(records);
      ledgers.add(ledger);
      gateways.add(gw);
    }
    if (hivemq != null) {
      brokerProcess = hivemq;
      brokerPid = OptionalLong.empty();
      url = tls ? hivemq.tlsUrl() : hivemq.url();
    } else {
      Map<String, String> gatewayPasswords = new LinkedHashMap<>();
      Map<String, Map<String, String>> deviceSecrets = new LinkedHashMap<>();
      for (Gateway gw : gateways) {
        gatewayPasswords.put(
            gw.id, Files.readAllLines(gw.passwordFile, StandardCharsets.UTF_8).getFirst().strip());
        deviceSecrets.put(gw.id, gw.deviceSecrets);
      }
      mosquitto =
          new MosquittoBroker(
              dir.resolve("mosquitto"),
              brokerLauncher,
              gatewayPasswords,
              deviceSecrets,
              mosquittoInflight,
              pki.caCertificate(),
              pki.serverCertificate(),
              pki.serverKey());
      brokerProcess = mosquitto;
      brokerPid = OptionalLong.of(mosquitto.pid());
      url = tls ? mosquitto.tlsUrl() : mosquitto.url();
    }
    caFile = tls ? Optional.of(pki.caCertificate()) : Optional.empty();
    for (int g = 0; g < gatewayCount; g++) {
      startGateway(gateways.get(g), ledgers.get(g), access, clock, devices);
    }
  }

  /** The gateway's twin store, ingest path and MQTT client, JIT-warmed and known to the broker. */
  private void startGateway(
      Gateway gw, FileDeviceLedger ledger, String access, Clock clock, int devices)
      throws Exception {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("bdt.gateway.id", gw.id);
    settings.put("bdt.gateway.mqtt.url", url);
    settings.put("bdt.gateway.mqtt.qos", Integer.toString(qos));
    settings.put("bdt.gateway.mqtt.access", access);
    settings.put("bdt.gateway.mqtt.username", gw.user);
    settings.put("bdt.gateway.mqtt.password-file", gw.passwordFile.toString());
    caFile.ifPresent(ca -> settings.put("bdt.gateway.mqtt.ca-file", ca.toString()));
    settings.put("bdt.gateway.data-dir", dir.resolve(gw.id).toString());
    GatewayConfig config =
        new SmallRyeConfigBuilder()
            .withMapping(GatewayConfig.class)
            .withDefaultValues(settings)
            .build()
            .getConfigMapping(GatewayConfig.class);
    gw.twins =
        TwinStore.open(
            dir.resolve(gw.id).resolve("twins"), clock, config.twin().syncIntervalMillis());
    gw.twins.subscribe(event -> gw.twinLatency.record(sentAtMicros(event)));
    // the profile list is empty: the rig registers its devices itself, nothing provisions
    Provisioner provisioner = new Provisioner(List.of(), ledger, gw.id, new SecureRandom(), clock);
    gw.ingest =
        new TelemetryIngest(
            gw.twins, ledger, new SensorWindows(), clock, config, new SimpleMeterRegistry());
    gw.mqtt = new MqttGateway(config, provisioner, gw.ingest, new SimpleMeterRegistry(), ledger);
    // JIT warm-up of the ingest path itself (decode, ledger, twin merge, journal), so that the
    // gateway's first measured messages do not run interpreted on a loaded machine
    byte[] warm = IngestBenchCommand.PAYLOAD.getBytes(StandardCharsets.UTF_8);
    List<String> mine = List.copyOf(gw.deviceSecrets.keySet());
    for (int i = 0; i < WARMUP_CALLS / gateways.size(); i++) {
      gw.ingest.acceptJson(mine.get(i % mine.size()), warm);
    }
    // the first connect tells the embedded broker's extension about the devices
    gw.mqtt.connect();
    gw.mqtt.disconnect();
  }

  /** The send time a fleet payload carries (epoch µs), or -1. */
  private static long sentAtMicros(TwinEvent event) {
    Twin twin =
        switch (event) {
          case TwinEvent.Created c -> c.twin();
          case TwinEvent.Modified m -> m.twin();
          case TwinEvent.Deleted d -> null;
        };
    var telemetry = twin == null ? null : twin.features().get("telemetry");
    return telemetry == null ? -1 : telemetry.properties().path("sentAtMicros").asLong(-1);
  }

  /** What the publisher JVM needs: broker, TLS trust, devices with their secrets and topics. */
  Map<String, Object> publisherSettings(long millis, int threads, String payload, double rate) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("rate", rate);
    s.put("url", url);
    s.put("caFile", caFile.map(Path::toString).orElse(null));
    s.put("qos", qos);
    s.put("millis", millis);
    s.put("threads", threads);
    s.put("payload", payload);
    List<Map<String, String>> devices = new ArrayList<>();
    for (Gateway gw : gateways) {
      gw.deviceSecrets.forEach(
          (device, secret) ->
              devices.add(
                  Map.of(
                      "username", device,
                      "secret", secret,
                      "topic", "bdt/" + gw.id + "/devices/" + device + "/telemetry")));
    }
    s.put("devices", devices);
    return s;
  }

  /** Connects {@code consumer} (every gateway, or a bare subscriber per gateway). */
  void start(Consumer consumer) throws MqttException, IOException {
    for (Gateway gw : gateways) {
      switch (consumer) {
        case GATEWAY -> gw.mqtt.connect();
        case SUBSCRIBER -> startSubscriber(gw);
      }
    }
  }

  private void startSubscriber(Gateway gw) throws MqttException, IOException {
    gw.subscriber =
        new MqttAsyncClient(url, "bench-subscriber-" + UUID.randomUUID(), new MemoryPersistence());
    gw.subscriber.setCallback(new Counting(gw.subscriberCount, gw.deliveryLatency));
    MqttConnectionOptions options = new MqttConnectionOptions();
    options.setCleanStart(true);
    options.setReceiveMaximum(65535); // as the gateway's client
    options.setUserName(gw.user);
    options.setPassword(
        Files.readAllLines(gw.passwordFile, StandardCharsets.UTF_8)
            .getFirst()
            .strip()
            .getBytes(StandardCharsets.UTF_8));
    if (caFile.isPresent()) {
      options.setSocketFactory(
          TlsContexts.fromPem(caFile.get(), Optional.empty(), Optional.empty()).getSocketFactory());
      options.setHttpsHostnameVerificationEnabled(true);
    }
    gw.subscriber.connect(options).waitForCompletion(15_000);
    IMqttToken sub =
        gw.subscriber.subscribe(
            new String[] {"bdt/" + gw.id + "/devices/+/telemetry"}, new int[] {qos});
    sub.waitForCompletion(10_000);
  }

  /** Messages {@code consumer} has consumed so far, all gateways together. */
  long consumed(Consumer consumer) {
    long n = 0;
    for (int g = 0; g < gateways.size(); g++) {
      n += consumed(consumer, g);
    }
    return n;
  }

  private long consumed(Consumer consumer, int g) {
    Gateway gw = gateways.get(g);
    return switch (consumer) {
      case GATEWAY -> (long) gw.ingest.ingestedCount();
      case SUBSCRIBER -> gw.subscriberCount.get();
    };
  }

  /** Starts a measured window: per gateway, its count now, and latencies recorded from now on. */
  long[] startWindow(Consumer consumer) {
    long[] at = new long[gateways.size()];
    for (int g = 0; g < gateways.size(); g++) {
      at[g] = consumed(consumer, g);
      latencies(consumer, g).start();
    }
    return at;
  }

  /**
   * Ends the window started with counts {@code at}: per gateway its id, devices, msg/s over {@code
   * seconds} and latency (gateways: publish to twin updated; bare subscribers: publish to
   * delivery), in µs, where the payloads carry their send time.
   */
  List<Map<String, Object>> endWindow(Consumer consumer, long[] at, double seconds) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (int g = 0; g < gateways.size(); g++) {
      Gateway gw = gateways.get(g);
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("gateway", gw.id);
      r.put("devices", gw.deviceSecrets.size());
      long n = consumed(consumer, g) - at[g];
      r.put("consumed", n);
      r.put("msgPerSecond", Math.round(n / seconds * 1000) / 1000.0);
      r.putAll(latencies(consumer, g).stop());
      out.add(r);
    }
    return out;
  }

  private Latencies latencies(Consumer consumer, int g) {
    return consumer == Consumer.GATEWAY
        ? gateways.get(g).twinLatency
        : gateways.get(g).deliveryLatency;
  }

  /** The gateways' dropped messages by reason (those that occurred), for error messages. */
  String rejections() {
    StringBuilder r = new StringBuilder();
    for (var reason : io.bdt.gateway.ingest.RejectReason.values()) {
      long n = 0;
      for (Gateway gw : gateways) {
        n += (long) gw.ingest.rejectedCount(reason);
      }
      if (n > 0) {
        r.append(r.isEmpty() ? "" : ", ").append(reason.tag()).append(' ').append(n);
      }
    }
    return r.isEmpty() ? "none" : r.toString();
  }

  /**
   * The threads that do {@code consumer}'s work: its MQTT clients', and the twin stores' (journal
   * flush, table commits).
   */
  Predicate<String> threads(Consumer consumer) {
    List<String> clients = gateways.stream().map(gw -> MqttGateway.clientId(gw.id)).toList();
    return switch (consumer) {
      case GATEWAY ->
          n ->
              n.equals("twin-journal-flush")
                  || n.equals("twin-tables-commit")
                  || clients.stream().anyMatch(n::contains);
      case SUBSCRIBER -> n -> n.contains("bench-subscriber-");
    };
  }

  /** Disconnects {@code consumer}. */
  void stop(Consumer consumer) throws MqttException {
    for (Gateway gw : gateways) {
      switch (consumer) {
        case GATEWAY -> gw.mqtt.disconnect();
        case SUBSCRIBER -> {
          gw.subscriber.disconnect().waitForCompletion(5_000);
          gw.subscriber.close();
        }
      }
    }
  }

  int gateways() {
    return gateways.size();
  }

  int hashIterations() {
    return hashIterations;
  }

  /** An external broker's process id (its CPU time is in /proc), none for the embedded one. */
  OptionalLong brokerPid() {
    return brokerPid;
  }

  String broker() {
    return broker;
  }

  boolean tls() {
    return tls;
  }

  int qos() {
    return qos;
  }

  Path dir() {
    return dir;
  }

  @Override
  public void close() throws Exception {
    for (Gateway gw : gateways) {
      if (gw.twins != null) {
        gw.twins.close();
      }
    }
    brokerProcess.close();
  }

  /** The bare subscriber's callback: counts, and the delivery latency of fleet payloads. */
  private record Counting(AtomicLong count, Latencies latency) implements MessageCallback {
    @Override
    public void messageArrived(String topic, MqttMessage message) {
      count.incrementAndGet();
      latency.record(Latencies.sentAtMicros(message.getPayload()));
    }
  }
}
