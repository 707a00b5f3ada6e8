package io.bdt.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bdt.ap.chain.NetworkContracts;
import io.bdt.ap.chain.PlatformChain;
import io.bdt.ap.chain.PlatformKeys;
import io.bdt.consensus.chain.ChainSpec;
import io.bdt.contracts.auth.Roles;
import io.bdt.pki.TlsContexts;
import io.bdt.platform.auth.ProvisioningSecret;
import io.bdt.platform.auth.TokenKeys;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/**
 * The whole platform on one machine: an MQTT broker (embedded unless a URL is given), {@code aps}
 * access points whose chain nodes form one chain, the contracts deployed on it, {@code gateways}
 * gateways, and a simulated sensor fleet. Services run as child processes from their Quarkus
 * builds; everything stops on {@link #close}.
 */
final class Platform implements AutoCloseable {

  /**
   * What to run. {@code work} is the data directory (see {@link DataDirectory}): a run on a
   * directory an earlier run used continues its chain, twins and devices.
   */
  record Settings(
      Path root,
      Path work,
      int aps,
      int gateways,
      int devices,
      Optional<String> mqttUrl,
      Optional<String> kafkaServers,
      int basePort,
      long periodMillis,
      double gatewayFlops,
      Map<String, String> faults,
      int mqttPlainPort) {

    /** Settings without a plain-text MQTT listener. */
    Settings(
        Path root,
        Path work,
        int aps,
        int gateways,
        int devices,
        Optional<String> mqttUrl,
        Optional<String> kafkaServers,
        int basePort,
        long periodMillis,
        double gatewayFlops,
        Map<String, String> faults) {
      this(
          root,
          work,
          aps,
          gateways,
          devices,
          mqttUrl,
          kafkaServers,
          basePort,
          periodMillis,
          gatewayFlops,
          faults,
          NO_PLAIN_MQTT);
    }
  }

  /** {@link Settings#mqttPlainPort} for "no plain-text MQTT listener" (the default). */
  static final int NO_PLAIN_MQTT = -1;

  /** A snapshot of one AP's {@code /status}. */
  record ApSnapshot(String name, String url, JsonNode status) {}

  static {
    useLogback();
  }

  /**
   * Selects Logback as the SLF4J provider: HiveMQ configures logging through it, and Kafka's
   * warnings go through it too (the launcher's default provider is simple). Must run before any
   * part logs; this class and {@link KafkaBroker} call it when loaded.
   */
  static void useLogback() {
    System.setProperty("slf4j.provider", "ch.qos.logback.classic.spi.LogbackServiceProvider");
    // SLF4J would otherwise announce the chosen provider on the console
    System.setProperty("slf4j.internal.verbosity", "WARN");
  }

  static final String PROFILE_KEY = "vibration-sensor";

  /**
   * The environment variable that hands the gateways the provisioning profile's secret ({@code
   * bdt.gateway.profiles.vibration-sensor.secret}; not a {@code -D} argument, which any user can
   * read in {@code /proc/PID/cmdline}).
   */
  static final String PROFILE_SECRET_ENV = "BDT_GATEWAY_PROFILES_VIBRATION_SENSOR_SECRET";

  /** How long the admin token printed at start is valid. */
  static final Duration ADMIN_TOKEN_TTL = Duration.ofHours(12);

  /** The gateways' anchor period, seconds: short, so a served result is on chain within seconds. */
  static final double ANCHOR_PERIOD_SECONDS = 10;

  /**
   * How long a service may take to report ready: generous, since on a busy 2-core machine an AP's
   * warm-up of its model tails alone has taken over 2 minutes.
   */
  static final Duration READY_LIMIT = Duration.ofSeconds(300);

  private final Settings settings;
  private final PrintStream out;
  private final List<ServiceProcess> aps = new ArrayList<>();
  private final List<ServiceProcess> gateways = new ArrayList<>();
  private ServiceProcess explorer;
  private final ObjectMapper json = new ObjectMapper();

  /** Calls the services over HTTPS, trusting the platform CA; set once the CA is open. */
  private HttpClient http;

  private javax.net.ssl.SSLContext tls;
  private MqttBroker broker;
  private PlatformPki pki;
  private SensorFleet fleet;
  private String mqttUrl;
  private PlatformChain.Contracts contracts;
  private PlatformKeys keys;
  private final List<Integer> rpcPorts = new ArrayList<>();

  /** AP 0's node's JSON-RPC WebSocket port (eth_subscribe), which the explorer follows. */
  private int nodeWsPort;

  private java.nio.channels.FileLock dataLock;
  private TokenKeys tokenKeys;
  private String provisioningSecret;
  private String adminToken;

  Platform(Settings settings, PrintStream out) {
    this.settings = settings;
    this.out = out;
  }

  /** Where the platform's chain keys are kept: {@code <work>/keys}. */
  private Path keysDir() {
    return settings.work().resolve("keys");
  }

  /** Starts every part, in dependency order. */
  void start() throws Exception {
    DataDirectory data = DataDirectory.open(settings.work(), false);
    dataLock = data.lock();
    data.checkLayout(settings.aps(), settings.gateways());
    Optional<DataDirectory.State> previous = data.previous();
    pki = PlatformPki.open(settings.work().resolve("pki"), java.time.Clock.systemUTC());
    out.println("platform: " + pki.describe());
    tls = pki.clientContext();
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).sslContext(tls).build();
    tokenKeys = TokenKeys.openOrCreate(settings.work());
    provisioningSecret = ProvisioningSecret.openOrCreate(settings.work());
    adminToken =
        tokenKeys.issue("platform-admin", Roles.ALL, ADMIN_TOKEN_TTL, java.time.Instant.now());
    String publicKey = tokenKeys.publicKeyFile().toString();
    keys = data.keys(settings.aps(), settings.gateways());
    ChainSpec genesis = PlatformChain.genesis(keys);
    Path genesisFile = settings.work().resolve("genesis.json");
    genesis.write(genesisFile);
    Path apJar = settings.root().resolve("access-point/target/quarkus-app/quarkus-run.jar");
    int[] p2p = new int[settings.aps()];
    for (int m = 0; m < settings.aps(); m++) {
      p2p[m] = freePort();
      rpcPorts.add(freePort());
    }
    nodeWsPort = freePort();
    List<Integer> apPorts = new ArrayList<>();
    List<String> apBaseUrls = new ArrayList<>();
    for (int m = 0; m < settings.aps(); m++) {
      apPorts.add(portFor("ap" + m, settings.basePort() == 0 ? 0 : settings.basePort() + 10 + m));
      apBaseUrls.add("https://127.0.0.1:" + apPorts.get(m));
    }
    for (int m = 0; m < settings.aps(); m++) {
      List<String> peers = new ArrayList<>();
      for (int i = 0; i < settings.aps(); i++) {
        if (i != m) {
          peers.add("ws://127.0.0.1:" + p2p[i]);
        }
      }
      int port = apPorts.get(m);
      Map<String, String> conf = new LinkedHashMap<>();
      conf.put("quarkus.http.host", "127.0.0.1");
      conf.put("quarkus.http.port", Integer.toString(port));
      conf.putAll(pki.httpsSettings());
      // keys go to owner-only files the service reads, never on its command line
      conf.put("bdt.ap.key-file", PlatformKeys.apFile(keysDir(), m).toString());
      conf.put("bdt.ap.model-cache", settings.work().resolve("models").toString());
      conf.put("bdt.ap.chain.genesis", genesisFile.toString());
      conf.put("bdt.ap.chain.data", settings.work().resolve("ap" + m + "/chain").toString());
      conf.put("bdt.ap.chain.rpc-port", Integer.toString(rpcPorts.get(m)));
      conf.put("bdt.ap.chain.p2p-port", Integer.toString(p2p[m]));
      if (m == 0) {
        // the explorer follows AP 0's node by its newHeads subscription
        conf.put("bdt.ap.chain.ws-port", Integer.toString(nodeWsPort));
      }
      conf.put("bdt.ap.chain.peers", String.join(",", peers));
      conf.put("bdt.ap.cores", "1");
      // the slot coordinator hands every AP its mining share over HTTPS (docs/dpra.md)
      conf.put("bdt.ap.coordinator.aps", String.join(",", apBaseUrls));
      conf.put("bdt.ap.coordinator.ca-file", pki.caCertificate().toString());
      conf.put("mp.jwt.verify.publickey.location", publicKey);
      ServiceProcess ap =
          new ServiceProcess(
              "ap" + m,
              apJar,
              conf,
              settings.work().resolve("logs/ap" + m + ".log"),
              port,
              Optional.of(tls));
      ap.start();
      aps.add(ap);
    }
    for (ServiceProcess ap : aps) {
      ap.awaitReady("/q/health/ready", READY_LIMIT);
    }
    Web3j web3j = Web3j.build(new HttpService("http://127.0.0.1:" + rpcPorts.getFirst()));
    try {
      Optional<PlatformChain.Contracts> kept = previous.map(DataDirectory.State::contracts);
      if (kept.isPresent() && NetworkContracts.hasCode(web3j, kept.get().reputationLedger())) {
        contracts = kept.get();
        out.println(
            "platform: "
                + aps.size()
                + " APs up, continuing the chain at block "
                + web3j.ethBlockNumber().send().getBlockNumber()
                + " with its contracts");
      } else {
        out.println("platform: " + aps.size() + " APs up, chain forming; deploying contracts");
        contracts = NetworkContracts.deployPlatform(web3j, keys, out);
        data.save(new DataDirectory.State(settings.aps(), settings.gateways(), contracts));
      }
    } finally {
      web3j.shutdown();
    }
    out.println(
        "platform: ReputationLedger "
            + contracts.reputationLedger()
            + ", TwinAnchor "
            + contracts.twinAnchor()
            + ", DeviceRegistry "
            + contracts.deviceRegistry());

    List<String> gatewayIds = new ArrayList<>();
    for (int n = 0; n < settings.gateways(); n++) {
      gatewayIds.add("gw" + (n + 1));
    }
    if (settings.mqttUrl().isPresent()) {
      mqttUrl = settings.mqttUrl().get();
      out.println(
          "platform: WARNING MQTT broker "
              + mqttUrl
              + " is not managed by the platform: the gateways tell it nothing about device"
              + " identity (bdt.gateway.mqtt.access=none)");
    } else {
      broker =
          new MqttBroker(
              settings.work().resolve("mqtt"), settings.mqttPlainPort(), pki, gatewayIds);
      mqttUrl = broker.tlsUrl();
      if (broker.url() != null) {
        out.println(
            "platform: WARNING plain-text MQTT listener "
                + broker.url()
                + " (loopback only): credentials cross it in clear");
      }
    }

    Path gatewayJar = settings.root().resolve("gateway-twin/target/quarkus-app/quarkus-run.jar");
    List<String> apUrls = aps.stream().map(ServiceProcess::baseUrl).toList();
    if (!Files.exists(gatewayJar)) {
      out.println(
          "platform: WARNING "
              + gatewayJar
              + " is not built; running without gateways (the fleet publishes, nothing infers)");
    }
    for (int n = 0; n < settings.gateways(); n++) {
      String id = gatewayIds.get(n);
      int port = portFor(id, settings.basePort() == 0 ? 0 : settings.basePort() + n);
      Map<String, String> conf = new LinkedHashMap<>();
      conf.put("quarkus.http.host", "127.0.0.1");
      conf.put("quarkus.http.port", Integer.toString(port));
      conf.put("bdt.gateway.id", id);
      conf.putAll(pki.httpsSettings());
      conf.put("mp.jwt.verify.publickey.location", publicKey);
      conf.put("bdt.gateway.data-dir", settings.work().resolve(id).toString());
      conf.put("bdt.gateway.mqtt.url", mqttUrl);
      if (broker != null) {
        conf.put("bdt.gateway.mqtt.access", "extension");
        conf.put("bdt.gateway.mqtt.password-file", broker.passwordFile(id).toString());
        conf.put("bdt.gateway.mqtt.ca-file", pki.caCertificate().toString());
      }
      conf.put("bdt.gateway.profiles.vibration-sensor.key", PROFILE_KEY);
      conf.put("bdt.gateway.inference.enabled", "true");
      conf.put("bdt.gateway.inference.aps", String.join(",", apUrls));
      conf.put("bdt.gateway.inference.genesis", genesisFile.toString());
      conf.put("bdt.gateway.inference.ca-file", pki.caCertificate().toString());
      conf.put("bdt.gateway.inference.serving-ap", Integer.toString(n % settings.aps()));
      conf.put(
          "bdt.gateway.inference.signing-key-file",
          PlatformKeys.gatewayFile(keysDir(), n).toString());
      conf.put(
          "bdt.gateway.inference.gateway-flops-per-second",
          Double.toString(settings.gatewayFlops()));
      conf.put("bdt.gateway.inference.chain-id", Long.toString(PlatformChain.CHAIN_ID));
      conf.put("bdt.gateway.inference.ledger-address", contracts.reputationLedger());
      // the gateway writes devices and anchors through its serving AP's node, from its own key
      conf.put("bdt.gateway.chain.rpc-url", "http://127.0.0.1:" + rpcPorts.get(n % settings.aps()));
      conf.put("bdt.gateway.chain.anchor-address", contracts.twinAnchor());
      conf.put("bdt.gateway.chain.registry-address", contracts.deviceRegistry());
      conf.put("bdt.gateway.anchor.period", Double.toString(ANCHOR_PERIOD_SECONDS));
      settings.kafkaServers().ifPresent(k -> conf.put("bdt.gateway.kafka.bootstrap-servers", k));
      ServiceProcess gw =
          new ServiceProcess(
              id,
              gatewayJar,
              conf,
              settings.work().resolve("logs/" + id + ".log"),
              port,
              Optional.of(tls));
      gw.withEnvironment(PROFILE_SECRET_ENV, provisioningSecret);
      if (Files.exists(gatewayJar)) {
        gw.start();
        gateways.add(gw);
      }
    }
    for (ServiceProcess gw : gateways) {
      gw.awaitReady("/q/health/ready", READY_LIMIT);
    }
    // from now on a service that dies says why on the console (before, awaitReady does)
    for (ServiceProcess service : aps) {
      service.onDeath(reason -> out.println("platform: " + reason));
    }
    for (ServiceProcess service : gateways) {
      service.onDeath(reason -> out.println("platform: " + reason));
    }

    startExplorer();

    fleet =
        new SensorFleet(
            mqttUrl,
            SensorFleet.spread(settings.devices(), gatewayIds),
            20_261_124L,
            broker == null
                ? null
                : TlsContexts.fromPem(pki.caCertificate(), Optional.empty(), Optional.empty())
                    .getSocketFactory());
    if (broker != null && !gateways.isEmpty()) {
      // each device provisions itself, then connects as itself with its issued secret
      fleet.provision(
          PROFILE_KEY, provisioningSecret, settings.work().resolve("fleet/credentials.json"));
    }
    settings.faults().forEach(fleet::inject);
    fleet.start(settings.periodMillis());
  }

  /**
   * The audit explorer (if built): follows AP 0's node (JSON-RPC, and its newHeads over WebSocket)
   * into an embedded database under the work directory and asks the gateways for twin records to
   * audit.
   */
  private void startExplorer() throws IOException, InterruptedException {
    Path jar = settings.root().resolve("explorer/target/quarkus-app/quarkus-run.jar");
    if (!Files.exists(jar)) {
      out.println("platform: WARNING " + jar + " is not built; running without the explorer");
      return;
    }
    int port = portFor("explorer", settings.basePort() == 0 ? 0 : settings.basePort() - 10);
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("quarkus.http.port", Integer.toString(port));
    conf.putAll(pki.httpsSettings());
    conf.put("bdt.explorer.ca-file", pki.caCertificate().toString());
    conf.put("bdt.explorer.node-url", "http://127.0.0.1:" + rpcPorts.getFirst());
    conf.put("bdt.explorer.ws-url", "ws://127.0.0.1:" + nodeWsPort);
    conf.put("bdt.explorer.db.url", "jdbc:h2:file:" + settings.work().resolve("explorer/index"));
    if (!gateways.isEmpty()) {
      conf.put(
          "bdt.explorer.gateways",
          String.join(",", gateways.stream().map(ServiceProcess::baseUrl).toList()));
    }
    explorer =
        new ServiceProcess(
            "explorer",
            jar,
            conf,
            settings.work().resolve("logs/explorer.log"),
            port,
            Optional.of(tls));
    // the gateways' anchor records need a twin-reader token (bdt.explorer.gateway-token)
    explorer.withEnvironment(
        "BDT_EXPLORER_GATEWAY_TOKEN",
        tokenKeys.issue(
            "platform-explorer",
            List.of(Roles.TWIN_READER),
            Duration.ofDays(7),
            java.time.Instant.now()));
    explorer.start();
    explorer.awaitReady("/q/health/ready", READY_LIMIT);
  }

  /** The explorer's process, if it runs. */
  Optional<ServiceProcess> explorerProcess() {
    return Optional.ofNullable(explorer);
  }

  /** The URLs of every API, for the user. */
  Map<String, String> urls() {
    Map<String, String> u = new LinkedHashMap<>();
    u.put(
        "mqtt",
        mqttUrl
            + (broker != null
                ? " (embedded HiveMQ CE, TLS with CA "
                    + pki.caCertificate()
                    + "; every client authenticates: devices as their id with their issued"
                    + " secret)"
                    + (broker.url() != null ? ", plain text " + broker.url() : "")
                : ""));
    for (ServiceProcess gw : gateways) {
      u.put(
          gw.name(), gw.baseUrl() + "  (twins: /twins, OpenAPI: /q/openapi, metrics: /q/metrics)");
    }
    for (int m = 0; m < aps.size(); m++) {
      u.put(
          aps.get(m).name(),
          aps.get(m).baseUrl()
              + "  (status: /status, explorer: /explorer, chain JSON-RPC: http://127.0.0.1:"
              + rpcPorts.get(m)
              + ")");
    }
    if (explorer != null) {
      u.put(
          "explorer", explorer.baseUrl() + "  (audit explorer: pages, JSON API /api, twin audit)");
    }
    return u;
  }

  SensorFleet fleet() {
    return fleet;
  }

  List<ServiceProcess> gatewayProcesses() {
    return gateways;
  }

  List<ServiceProcess> apProcesses() {
    return aps;
  }

  /** An HTTP client for the services' HTTPS APIs: trusts the platform CA, verifies host names. */
  HttpClient http() {
    return http;
  }

  /** A token with every role, valid for {@link #ADMIN_TOKEN_TTL} from start. */
  String adminToken() {
    return adminToken;
  }

  /** The platform's chain keys (read from, or generated into, its data directory). */
  PlatformKeys keys() {
    return keys;
  }

  PlatformChain.Contracts contracts() {
    return contracts;
  }

  int rpcPort(int m) {
    return rpcPorts.get(m);
  }

  /** Each AP's {@code /status} now (a null status for an AP that does not answer). */
  List<ApSnapshot> apStatus() {
    List<ApSnapshot> out = new ArrayList<>();
    for (ServiceProcess ap : aps) {
      out.add(new ApSnapshot(ap.name(), ap.baseUrl(), getJson(ap.baseUrl() + "/status")));
    }
    return out;
  }

  /** GET {@code url} as JSON, or null. */
  JsonNode getJson(String url) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(url))
                  .header("Authorization", "Bearer " + adminToken)
                  // a service's first token check loads the JWT classes: seconds on a busy machine
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? json.readTree(r.body()) : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /**
   * {@code wanted}, or a free port when {@code wanted} is 0 or something already listens on it (the
   * console says which port {@code service} got instead).
   */
  private int portFor(String service, int wanted) throws IOException {
    if (wanted == 0) {
      return freePort();
    }
    if (available(wanted)) {
      return wanted;
    }
    int chosen = freePort();
    out.println(
        "platform: port "
            + wanted
            + " is taken; "
            + service
            + " listens on "
            + chosen
            + " instead");
    return chosen;
  }

  /** Whether nothing listens on {@code port} (on any address). */
  static boolean available(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(false);
      s.bind(new java.net.InetSocketAddress(port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws Exception {
    if (fleet != null) {
      fleet.close();
    }
    if (explorer != null) {
      explorer.close();
    }
    for (ServiceProcess gw : gateways) {
      gw.close();
    }
    for (ServiceProcess ap : aps) {
      ap.close();
    }
    if (broker != null) {
      broker.close();
    }
    if (dataLock != null) {
      dataLock.channel().close();
    }
  }
}
