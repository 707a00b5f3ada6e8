package io.bdt.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bdt.gateway.GatewayConfig;
import io.bdt.gateway.device.DeviceProfile;
import io.bdt.gateway.device.FileDeviceLedger;
import io.bdt.gateway.device.Provisioner;
import io.bdt.gateway.device.ProvisioningOutcome;
import io.bdt.gateway.inference.SensorWindows;
import io.bdt.gateway.ingest.TelemetryIngest;
import io.bdt.gateway.mqtt.MqttGateway;
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
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * One configuration of the ingest benchmark: a broker (the embedded HiveMQ CE with the B-DT
 * device-identity extension, or a Mosquitto of its own with a password file and an ACL file), with
 * or without TLS, at one QoS; provisioned devices whose credentials the publisher JVM uses; and the
 * two consumers measured in turn on the same telemetry topics: the gateway (its real MQTT client,
 * ingest path and twin store) and a bare subscriber that only counts (the broker's own rate).
 */
final class IngestRig implements AutoCloseable {
  static final String GATEWAY = "bench";

  /** Direct calls of the ingest path before any MQTT traffic (JIT warm-up). */
  static final int WARMUP_CALLS = 50_000;

  /** The consumers of a phase. */
  enum Consumer {
    GATEWAY,
    SUBSCRIBER
  }

  private final String broker;
  private final boolean tls;
  private final int qos;
  private final Path dir;
  private final AutoCloseable brokerProcess;
  private final OptionalLong brokerPid;
  private final String url;
  private final Optional<Path> caFile;
  private final Path gatewayPasswordFile;
  private final String gatewayUser;
  private final Map<String, String> deviceSecrets = new LinkedHashMap<>();
  private final TwinStore twins;
  private final TelemetryIngest ingest;
  private final MqttGateway gateway;
  private MqttAsyncClient subscriber;
  private final AtomicLong subscriberCount = new AtomicLong();

  /**
   * @param brokerLauncher what goes before an external broker's command ({@code taskset -c 0})
   */
  IngestRig(
      String broker,
      boolean tls,
      int qos,
      int devices,
      Path dir,
      PlatformPki pki,
      List<String> brokerLauncher)
      throws Exception {
    this.broker = broker;
    this.tls = tls;
    this.qos = qos;
    this.dir = Files.createDirectories(dir);
    Clock clock = Clock.systemUTC();
    FileDeviceLedger ledger = new FileDeviceLedger(dir.resolve("devices.json"));
    // a profile secret of this run only: the rig provisions in-process, nothing else needs it
    byte[] profileSecretBytes = new byte[32];
    new SecureRandom().nextBytes(profileSecretBytes);
    String profileSecret = java.util.HexFormat.of().formatHex(profileSecretBytes);
    Provisioner provisioner =
        new Provisioner(
            List.of(new DeviceProfile("bench", "bench-key", Provisioner.sha256Hex(profileSecret))),
            ledger,
            GATEWAY,
            new SecureRandom(),
            clock);
    ObjectMapper json = new ObjectMapper();
    for (int d = 0; d < devices; d++) {
      var outcome =
          provisioner.provision(
              json.createObjectNode()
                  .put("provisioningKey", "bench-key")
                  .put("provisioningSecret", profileSecret)
                  .put("deviceId", "d" + d));
      if (!(outcome instanceof ProvisioningOutcome.Provisioned ok)) {
        throw new IllegalStateException("could not provision bench device d" + d + ": " + outcome);
      }
      deviceSecrets.put(ok.deviceId(), ok.deviceSecret());
    }
    String access;
    String plainUrl;
    String tlsUrl;
    if ("hivemq".equals(broker)) {
      MqttBroker hivemq = new MqttBroker(dir.resolve("hivemq"), 0, pki, List.of(GATEWAY));
      brokerProcess = hivemq;
      brokerPid = OptionalLong.empty();
      plainUrl = hivemq.url();
      tlsUrl = hivemq.tlsUrl();
      gatewayPasswordFile = hivemq.passwordFile(GATEWAY);
      gatewayUser = io.bdt.gateway.access.AccessTable.GATEWAY_PREFIX + GATEWAY;
      access = "extension";
    } else if ("mosquitto".equals(broker)) {
      byte[] secret = new byte[24];
      new SecureRandom().nextBytes(secret);
      String password = HexFormat.of().formatHex(secret);
      gatewayPasswordFile = dir.resolve("gateway.password");
      Pem.writeSecret(gatewayPasswordFile, password + "\n");
      gatewayUser = "gateway-" + GATEWAY; // Mosquitto's password file has no ':' in user names
      Map<String, String> passwords = new LinkedHashMap<>(deviceSecrets);
      passwords.put(gatewayUser, password);
      MosquittoBroker mosquitto =
          new MosquittoBroker(
              dir.resolve("mosquitto"),
              brokerLauncher,
              GATEWAY,
              gatewayUser,
              passwords,
              pki.caCertificate(),
              pki.serverCertificate(),
              pki.serverKey());
      brokerProcess = mosquitto;
      brokerPid = OptionalLong.of(mosquitto.pid());
      plainUrl = mosquitto.url();
      tlsUrl = mosquitto.tlsUrl();
      // the broker's own files decide who connects; the gateway tells it nothing
      access = "none";
    } else {
      throw new IllegalArgumentException("broker must be hivemq or mosquitto, got " + broker);
    }
    url = tls ? tlsUrl : plainUrl;
    caFile = tls ? Optional.of(pki.caCertificate()) : Optional.empty();
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("bdt.gateway.id", GATEWAY);
    settings.put("bdt.gateway.mqtt.url", url);
    settings.put("bdt.gateway.mqtt.qos", Integer.toString(qos));
    settings.put("bdt.gateway.mqtt.access", access);
    settings.put("bdt.gateway.mqtt.username", gatewayUser);
    settings.put("bdt.gateway.mqtt.password-file", gatewayPasswordFile.toString());
    caFile.ifPresent(ca -> settings.put("bdt.gateway.mqtt.ca-file", ca.toString()));
    settings.put("bdt.gateway.data-dir", dir.toString());
    GatewayConfig config =
        new SmallRyeConfigBuilder()
            .withMapping(GatewayConfig.class)
            .withDefaultValues(settings)
            .build()
            .getConfigMapping(GatewayConfig.class);
    twins = TwinStore.open(dir.resolve("twins"), clock, config.twin().syncIntervalMillis());
    ingest =
        new TelemetryIngest(
            twins, ledger, new SensorWindows(), clock, config, new SimpleMeterRegistry());
    gateway = new MqttGateway(config, provisioner, ingest, new SimpleMeterRegistry(), ledger);
    // JIT warm-up of the ingest path itself (decode, ledger, twin merge, journal), so that the
    // gateway's first measured messages do not run interpreted on a loaded machine
    byte[] warm = IngestBenchCommand.PAYLOAD.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < WARMUP_CALLS; i++) {
      ingest.acceptJson("d" + (i % devices), warm);
    }
    // the first connect tells the embedded broker's extension about the devices
    gateway.connect();
    gateway.disconnect();
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
    s.put(
        "devices",
        deviceSecrets.entrySet().stream()
            .map(
                e ->
                    Map.of(
                        "username", e.getKey(),
                        "secret", e.getValue(),
                        "topic", "bdt/" + GATEWAY + "/devices/" + e.getKey() + "/telemetry"))
            .toList());
    return s;
  }

  /** Connects {@code consumer} and returns its count of consumed messages. */
  void start(Consumer consumer) throws MqttException, IOException {
    switch (consumer) {
      case GATEWAY -> gateway.connect();
      case SUBSCRIBER -> {
        subscriber =
            new MqttAsyncClient(
                url, "bench-subscriber-" + UUID.randomUUID(), new MemoryPersistence());
        subscriber.setCallback(new Counting(subscriberCount));
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        options.setReceiveMaximum(65535); // as the gateway's client
        options.setUserName(gatewayUser);
        options.setPassword(
            Files.readAllLines(gatewayPasswordFile, StandardCharsets.UTF_8)
                .getFirst()
                .strip()
                .getBytes(StandardCharsets.UTF_8));
        if (caFile.isPresent()) {
          options.setSocketFactory(
              TlsContexts.fromPem(caFile.get(), Optional.empty(), Optional.empty())
                  .getSocketFactory());
          options.setHttpsHostnameVerificationEnabled(true);
        }
        subscriber.connect(options).waitForCompletion(15_000);
        IMqttToken sub =
            subscriber.subscribe(
                new String[] {"bdt/" + GATEWAY + "/devices/+/telemetry"}, new int[] {qos});
        sub.waitForCompletion(10_000);
      }
    }
  }

  /** Messages {@code consumer} has consumed so far. */
  long consumed(Consumer consumer) {
    return switch (consumer) {
      case GATEWAY -> (long) ingest.ingestedCount();
      case SUBSCRIBER -> subscriberCount.get();
    };
  }

  /** The gateway's dropped messages by reason (those that occurred), for error messages. */
  String rejections() {
    StringBuilder r = new StringBuilder();
    for (var reason : io.bdt.gateway.ingest.RejectReason.values()) {
      long n = (long) ingest.rejectedCount(reason);
      if (n > 0) {
        r.append(r.isEmpty() ? "" : ", ").append(reason.tag()).append(' ').append(n);
      }
    }
    return r.isEmpty() ? "none" : r.toString();
  }

  /** The threads that do {@code consumer}'s work: its MQTT client's, and the twin journal's. */
  Predicate<String> threads(Consumer consumer) {
    return switch (consumer) {
      case GATEWAY ->
          n -> n.contains(MqttGateway.clientId(GATEWAY)) || n.equals("twin-journal-flush");
      case SUBSCRIBER -> n -> n.contains("bench-subscriber-");
    };
  }

  /** Disconnects {@code consumer}. */
  void stop(Consumer consumer) throws MqttException {
    switch (consumer) {
      case GATEWAY -> gateway.disconnect();
      case SUBSCRIBER -> {
        subscriber.disconnect().waitForCompletion(5_000);
        subscriber.close();
      }
    }
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
    twins.close();
    brokerProcess.close();
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
