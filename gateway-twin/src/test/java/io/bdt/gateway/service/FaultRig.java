package io.bdt.gateway.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bdt.dnn.vibration.MachineState;
import io.bdt.dnn.vibration.VibrationGenerator;
import io.bdt.gateway.access.MosquittoDynsec;
import io.bdt.gateway.sim.DeviceSimulator;
import io.bdt.gateway.twin.Twin;
import io.bdt.gateway.twin.TwinEvent;
import io.bdt.gateway.twin.TwinStore;
import io.bdt.gateway.twin.TwinStoreOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The fault tests' set-up: a Mosquitto of its own (dynamic security, persistence, the queue limit
 * raised so an absent gateway's session holds the whole test's load), the gateway service as a
 * child JVM managing it ({@code access=dynamic-security}, a persistent session), provisioned
 * devices, bearer tokens; and the count of what reached the twins, read from the gateway's data
 * directory after it stopped.
 */
final class FaultRig implements AutoCloseable {

  static final String GATEWAY = "gw-fault";
  static final String PROFILE_KEY = "vib-key";

  /**
   * Broker settings of every fault test: the persistence period of deploy/k8s's mosquitto.conf, and
   * a per-client queue large enough for a gateway away for the whole test (Mosquitto's default of
   * 1,000 messages would drop the rest, docs/reliability.md).
   */
  static final String BROKER_CONFIG = "autosave_interval 30\nmax_queued_messages 1000000\n";

  /** History entries kept per twin: all of a test's. */
  private static final int HISTORY = 1_000_000;

  final MosquittoDynsec broker;
  final GatewayChild gateway;
  final String token;
  private final Path dataDir;
  private final String provisioningSecret;

  private FaultRig(
      MosquittoDynsec broker,
      GatewayChild gateway,
      String token,
      Path dataDir,
      String provisioningSecret) {
    this.broker = broker;
    this.gateway = gateway;
    this.token = token;
    this.dataDir = dataDir;
    this.provisioningSecret = provisioningSecret;
  }

  /**
   * Gateway settings for inference with the parameter set of {@code genesis}, offloading to {@code
   * a} and {@code b} from a slow gateway (0.1 MFLOP/s, so DPRA offloads; GatewayInferenceTest).
   */
  static Map<String, String> inference(Path genesis, TestAccessPoint a, TestAccessPoint b) {
    return Map.of(
        "bdt.gateway.inference.enabled",
        "true",
        "bdt.gateway.inference.genesis",
        genesis.toString(),
        "bdt.gateway.inference.aps",
        a.url() + "," + b.url(),
        "bdt.gateway.inference.gateway-flops-per-second",
        "1.0e5");
  }

  /** Writes a genesis whose parameter set is the new network's with {@code slotSeconds} slots. */
  static Path genesis(Path file, double slotSeconds) throws IOException {
    new com.fasterxml.jackson.databind.ObjectMapper()
        .writeValue(
            file.toFile(),
            Map.of(
                "system",
                io.bdt.parameters.ChainParameters.NEW_NETWORK.withSlotSeconds(slotSeconds)));
    return file;
  }

  /** One simulator connected as each provisioned device ({@link #provision}'s secrets). */
  List<DeviceSimulator> devices(Map<String, String> secrets) throws Exception {
    List<DeviceSimulator> devices = new ArrayList<>();
    for (Map.Entry<String, String> d : secrets.entrySet()) {
      devices.add(DeviceSimulator.device(broker.url(), GATEWAY, d.getKey(), d.getValue(), null));
    }
    return devices;
  }

  /**
   * Each provisioned device ({@link #provision}'s secrets) sends {@code windows} vibration windows
   * (machine state IMBALANCE, generator seeded {@code seed}), each window in {@code parts} equal
   * messages with property {@code window} its number, at QoS 1: acknowledged once the gateway has
   * them on disk. After each round of one window per device it waits {@code pause}.
   */
  void publishWindows(
      Map<String, String> secrets, long seed, int windows, int parts, Duration pause)
      throws Exception {
    List<DeviceSimulator> devices = devices(secrets);
    try {
      VibrationGenerator generator = new VibrationGenerator(seed);
      ObjectMapper json = new ObjectMapper();
      for (int w = 0; w < windows; w++) {
        int i = 0;
        for (String device : secrets.keySet()) {
          float[] window = generator.next(MachineState.IMBALANCE).samples();
          int part = window.length / parts;
          for (int p = 0; p < parts; p++) {
            devices
                .get(i)
                .publishJson(
                    device,
                    json.createObjectNode().put("window", w),
                    Arrays.copyOfRange(window, p * part, (p + 1) * part),
                    1);
          }
          i++;
        }
        Thread.sleep(pause);
      }
    } finally {
      for (DeviceSimulator d : devices) {
        d.close();
      }
    }
  }

  /** {@code name}'s value in the gateway's metrics, 0 when it has none. */
  double metric(String name) throws Exception {
    double v = gateway.metric(name, token);
    return Double.isNaN(v) ? 0 : v;
  }

  /** Starts the broker and the gateway (ready: connected to the broker), logs under {@code dir}. */
  static FaultRig start(Path dir) throws IOException, InterruptedException {
    return start(dir, dir.resolve("gateway-data"));
  }

  /** {@link #start(Path)} with the gateway's data directory at {@code dataDir}. */
  static FaultRig start(Path dir, Path dataDir) throws IOException, InterruptedException {
    return start(dir, dataDir, Map.of());
  }

  /** {@link #start(Path, Path)} with more gateway settings (e.g. inference's). */
  static FaultRig start(Path dir, Path dataDir, Map<String, String> settings)
      throws IOException, InterruptedException {
    MosquittoDynsec broker = MosquittoDynsec.start(BROKER_CONFIG);
    Path root = broker.dir();
    SecureRandom random = new SecureRandom();
    Path passwordFile =
        MosquittoDynsec.ownerOnly(root.resolve("gateway-mqtt-password"), hex(random) + "\n");
    String provisioningSecret = hex(random);
    TestTokens tokens = new TestTokens(root.resolve("auth"));
    GatewayChild gateway =
        new GatewayChild(dir.resolve("gateway.log"))
            .set("mp.jwt.verify.publickey.location", tokens.publicKeyFile().toString())
            .set("bdt.gateway.id", GATEWAY)
            .set("bdt.gateway.data-dir", dataDir.toString())
            .set("bdt.gateway.mqtt.url", broker.url())
            .set("bdt.gateway.mqtt.access", "dynamic-security")
            .set("bdt.gateway.mqtt.admin-username", MosquittoDynsec.ADMIN)
            .set("bdt.gateway.mqtt.admin-password-file", broker.adminPasswordFile().toString())
            .set("bdt.gateway.mqtt.password-file", passwordFile.toString())
            .set("bdt.gateway.anchor.period", "0")
            // every event of the test stays in history, where the count reads it
            .set("bdt.gateway.twin.history-per-twin", Integer.toString(HISTORY))
            .set("bdt.gateway.profiles.vibration-sensor.key", PROFILE_KEY)
            .environment("BDT_GATEWAY_PROFILES_VIBRATION_SENSOR_SECRET", provisioningSecret);
    settings.forEach(gateway::set);
    FaultRig rig =
        new FaultRig(
            broker, gateway, tokens.token("fault-test", "operator"), dataDir, provisioningSecret);
    gateway.start();
    gateway.awaitReady(Duration.ofSeconds(120));
    return rig;
  }

  private static String hex(SecureRandom random) {
    byte[] secret = new byte[24];
    random.nextBytes(secret);
    return java.util.HexFormat.of().formatHex(secret);
  }

  /** Provisions {@code count} devices {@code dev-0 ...} through the gateway; their secrets. */
  Map<String, String> provision(int count) throws Exception {
    Map<String, String> secrets = new LinkedHashMap<>();
    try (DeviceSimulator provisioning =
        DeviceSimulator.provisioningClient(
            broker.url(), GATEWAY, PROFILE_KEY, provisioningSecret, null)) {
      for (int i = 0; i < count; i++) {
        JsonNode reply = provisioning.provision(PROFILE_KEY, provisioningSecret, "dev-" + i);
        if (!"provisioned".equals(reply.path("status").asText())) {
          throw new IllegalStateException("dev-" + i + " not provisioned: " + reply);
        }
        secrets.put(reply.path("deviceId").asText(), reply.path("deviceSecret").asText());
      }
    }
    return secrets;
  }

  /** Creates twin {@code thingId} over REST with attribute {@code n = 0}; fails unless 201. */
  void createProbe(String thingId) throws IOException, InterruptedException {
    java.net.http.HttpResponse<String> created =
        gateway.send(
            "PUT", "/twins/" + thingId, "application/json", "{\"attributes\":{\"n\":0}}", token);
    if (created.statusCode() != 201) {
      throw new IllegalStateException(
          "creating " + thingId + ": " + created.statusCode() + " " + created.body());
    }
  }

  /** The thing id of a device's twin. */
  static String thingId(String deviceId) {
    return "bdt:" + deviceId;
  }

  /**
   * Waits until every device's twin shows the last number the broker acked for it (the gateway has
   * drained its session); returns how long that took.
   */
  Duration awaitCaughtUp(SequencedTelemetry load, Duration limit) throws Exception {
    long start = System.nanoTime();
    long end = start + limit.toNanos();
    while (System.nanoTime() < end) {
      boolean all = true;
      for (String device : load.devices()) {
        long last = load.acked(device).isEmpty() ? 0 : load.acked(device).lastKey();
        long seen;
        try {
          seen =
              gateway
                  .getJson("/twins/" + thingId(device), token)
                  .map(t -> t.path("features").path("telemetry").path("properties").path("seq"))
                  .map(JsonNode::asLong)
                  .orElse(0L);
        } catch (IOException e) {
          seen = -1; // asked again on the next round; the deadline bounds it
        }
        all &= seen >= last;
      }
      if (all) {
        return Duration.ofNanos(System.nanoTime() - start);
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the twins did not catch up with the acked telemetry within " + limit);
  }

  /**
   * What reached the twins, read from the stopped gateway's data directory: per device, the
   * telemetry numbers in its history against the numbers the broker acked.
   */
  Tally tally(SequencedTelemetry load) throws IOException {
    if (gateway.alive()) {
      throw new IllegalStateException("stop the gateway before counting its twins");
    }
    long acked = 0;
    long inTwins = 0;
    long duplicates = 0;
    Map<String, List<Long>> lost = new TreeMap<>();
    List<String> revisionGaps = new ArrayList<>();
    try (TwinStore twins = openTwins()) {
      for (String device : load.devices()) {
        String thing = thingId(device);
        List<TwinEvent> history =
            twins.history(thing, Instant.EPOCH, Instant.now().plusSeconds(60), Integer.MAX_VALUE);
        Set<Long> seqs = new HashSet<>();
        long expected = 1;
        for (TwinEvent event : history) {
          if (event.revision() != expected) {
            revisionGaps.add(thing + ": revision " + event.revision() + " after " + (expected - 1));
          }
          expected = event.revision() + 1;
          JsonNode seq = telemetry(event).path("seq");
          if (!seq.isMissingNode() && !seqs.add(seq.asLong())) {
            duplicates++;
          }
        }
        long current = twins.get(thing).map(Twin::revision).orElse(0L);
        if (current != expected - 1) {
          revisionGaps.add(
              thing + ": twin at revision " + current + ", history to " + (expected - 1));
        }
        Set<Long> ackedHere = load.acked(device).keySet();
        acked += ackedHere.size();
        List<Long> missing = ackedHere.stream().filter(s -> !seqs.contains(s)).toList();
        if (!missing.isEmpty()) {
          lost.put(device, missing);
        }
        inTwins += ackedHere.size() - missing.size();
      }
    }
    return new Tally(load.attempts(), acked, inTwins, lost, duplicates, revisionGaps);
  }

  /**
   * The stopped gateway's twin store, every history entry kept (the defaults would trim the
   * replayed history to 1,000 per twin).
   */
  TwinStore openTwins() throws IOException {
    return TwinStore.open(
        dataDir.resolve("twins"),
        Clock.systemUTC(),
        TwinStoreOptions.defaults(10).withHistory(HISTORY, Duration.ofDays(1)));
  }

  /**
   * The inference results in the stopped gateway's twins, per device ({@link #provision}'s ids, in
   * their order): the {@code health} feature properties of each history entry caused by {@code
   * report:health}, oldest first.
   */
  Map<String, List<JsonNode>> healthReports(Iterable<String> devices) throws IOException {
    if (gateway.alive()) {
      throw new IllegalStateException("stop the gateway before reading its twins");
    }
    Map<String, List<JsonNode>> reports = new LinkedHashMap<>();
    try (TwinStore twins = openTwins()) {
      for (String device : devices) {
        List<JsonNode> health = new ArrayList<>();
        for (TwinEvent event :
            twins.history(
                thingId(device), Instant.EPOCH, Instant.now().plusSeconds(60), Integer.MAX_VALUE)) {
          if (event instanceof TwinEvent.Modified m && "report:health".equals(m.cause())) {
            health.add(m.twin().features().get("health").properties());
          }
        }
        reports.put(device, health);
      }
    }
    return reports;
  }

  /** The twin's {@code telemetry} feature properties in a history entry. */
  private static JsonNode telemetry(TwinEvent event) {
    Twin twin =
        switch (event) {
          case TwinEvent.Created c -> c.twin();
          case TwinEvent.Modified m -> m.twin();
          case TwinEvent.Deleted d -> null;
        };
    if (twin == null || !twin.features().containsKey("telemetry")) {
      return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }
    return twin.features().get("telemetry").properties();
  }

  /** The gateway's data directory (its twin store is {@code twins/}). */
  Path dataDir() {
    return dataDir;
  }

  /**
   * @param attempts publishes tried (retries included)
   * @param acked numbers the broker acked
   * @param inTwins acked numbers found in the twins' history
   * @param lost acked numbers not found, by device
   * @param duplicates history entries repeating a number already there (QoS 1 redelivery)
   * @param revisionGaps revisions missing from a twin's history (should be none)
   */
  record Tally(
      long attempts,
      long acked,
      long inTwins,
      Map<String, List<Long>> lost,
      long duplicates,
      List<String> revisionGaps) {

    /** Per device: how many were lost, and the first and last of them. */
    private static String summary(Map<String, List<Long>> lost) {
      StringBuilder out = new StringBuilder();
      lost.forEach(
          (device, seqs) ->
              out.append(device)
                  .append(": ")
                  .append(seqs.size())
                  .append(" (")
                  .append(seqs.getFirst())
                  .append("..")
                  .append(seqs.getLast())
                  .append(") "));
      return out.toString().strip();
    }

    long lostCount() {
      return lost.values().stream().mapToLong(List::size).sum();
    }

    @Override
    public String toString() {
      return "attempts "
          + attempts
          + ", acked "
          + acked
          + ", in twins "
          + inTwins
          + ", lost "
          + lostCount()
          + ", duplicates "
          + duplicates
          + (lost.isEmpty() ? "" : ", lost numbers " + summary(lost))
          + (revisionGaps.isEmpty() ? "" : ", revision gaps " + revisionGaps);
    }
  }

  @Override
  public void close() throws Exception {
    try {
      gateway.close();
    } finally {
      broker.close();
    }
  }
}
