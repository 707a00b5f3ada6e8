package io.bdt.platform;

import com.fasterxml.jackson.databind.JsonNode;
import io.bdt.ap.chain.PlatformChain;
import io.bdt.ap.chain.PlatformKeys;
import io.bdt.consensus.chain.ChainSpec;
import io.bdt.contracts.auth.Roles;
import io.bdt.pki.TlsContexts;
import io.bdt.platform.auth.ProvisioningSecret;
import io.bdt.platform.auth.TokenKeys;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole platform on one machine: an MQTT broker (embedded unless a URL is given), {@code aps}
 * access points whose chain nodes form one chain, the contracts deployed on it, {@code gateways}
 * gateways, and a simulated sensor fleet. Services run as child processes from their Quarkus
 * builds; everything stops on {@link #close}.
 */
final class Platform implements AutoCloseable {

  /** {@link PlatformSettings#mqttPlainPort} for "no plain-text MQTT listener" (the default). */
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

  private final PlatformSettings settings;
  private final PrintStream out;
  private FleetLayout layout;
  private ServiceSettings services;
  private final List<ServiceProcess> aps = new ArrayList<>();
  private final List<ServiceProcess> gateways = new ArrayList<>();
  private final Map<String, String> moreGatewaySettings = new LinkedHashMap<>();
  private ServiceProcess explorer;

  /** Calls the services over HTTPS, trusting the platform CA; set once the CA is open. */
  private HttpClient http;

  private javax.net.ssl.SSLContext tls;
  private volatile MqttBroker broker;

  /** The thread starting {@link #broker} while the APs start; null when the platform has none. */
  private Thread brokerStarting;

  /** What stopped {@link #brokerStarting}, if anything did. */
  private volatile Throwable brokerFailure;

  private PlatformPki pki;
  private SensorFleet fleet;
  private int fleetReconnectMaxDelay = SensorFleet.RECONNECT_MAX_DELAY_SECONDS;
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

  Platform(PlatformSettings settings, PrintStream out) {
    this.settings = settings;
    this.out = out;
    this.layout = FleetLayout.vibration(settings.gateways());
  }

  /**
   * Which device class each gateway hosts, at which compute class (before {@link #start}; default
   * {@link FleetLayout#vibration}: vibration sensors only).
   */
  Platform withFleet(FleetLayout fleetLayout) {
    if (fleetLayout.gateways().size() != settings.gateways()) {
      throw new IllegalArgumentException(
          "the fleet layout has "
              + fleetLayout.gateways().size()
              + " gateways, the platform "
              + settings.gateways());
    }
    this.layout = fleetLayout;
    return this;
  }

  /**
   * Sets the sensors' longest wait between reconnect attempts (before {@link #start}; default
   * {@link SensorFleet#RECONNECT_MAX_DELAY_SECONDS}).
   */
  Platform withFleetReconnectMaxDelay(int seconds) {
    fleetReconnectMaxDelay = seconds;
    return this;
  }

  /**
   * Adds {@code -D} settings every gateway gets (before {@link #start}; e.g. the soak's history).
   */
  Platform withGatewaySettings(Map<String, String> more) {
    moreGatewaySettings.putAll(more);
    return this;
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
      p2p[m] = PlatformPorts.freePort();
      rpcPorts.add(PlatformPorts.freePort());
    }
    nodeWsPort = PlatformPorts.freePort();
    List<Integer> apPorts = new ArrayList<>();
    List<String> apBaseUrls = new ArrayList<>();
    for (int m = 0; m < settings.aps(); m++) {
      apPorts.add(
          PlatformPorts.portFor(
              "ap" + m, settings.basePort() == 0 ? 0 : settings.basePort() + 10 + m, out));
      apBaseUrls.add("https://127.0.0.1:" + apPorts.get(m));
    }
    services = new ServiceSettings(settings, pki, publicKey, genesisFile, layout);
    List<String> gatewayIds = new ArrayList<>();
    for (int n = 0; n < settings.gateways(); n++) {
      gatewayIds.add("gw" + (n + 1));
    }
    if (settings.mqttUrl().isEmpty()) {
      // the embedded broker comes up while the APs do: it needs the PKI and the gateway ids only
      brokerStarting =
          Thread.ofPlatform()
              .name("mqtt-broker-start")
              .start(
                  () -> {
                    try {
                      broker =
                          new MqttBroker(
                              settings.work().resolve("mqtt"),
                              settings.mqttPlainPort(),
                              pki,
                              gatewayIds);
                    } catch (Throwable e) {
                      brokerFailure = e;
                    }
                  });
    }
    for (int m = 0; m < settings.aps(); m++) {
      int port = apPorts.get(m);
      Map<String, String> conf =
          services.accessPoint(m, port, p2p, rpcPorts, nodeWsPort, apBaseUrls);
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
    contracts =
        PlatformContracts.deployOrContinue(
            "http://127.0.0.1:" + rpcPorts.getFirst(),
            previous,
            keys,
            aps.size(),
            out,
            deployed ->
                data.save(new DataDirectory.State(settings.aps(), settings.gateways(), deployed)));
    out.println(
        "platform: ReputationLedger "
            + contracts.reputationLedger()
            + ", TwinAnchor "
            + contracts.twinAnchor()
            + ", DeviceRegistry "
            + contracts.deviceRegistry());

    if (settings.mqttUrl().isPresent()) {
      mqttUrl = settings.mqttUrl().get();
      out.println(
          "platform: WARNING MQTT broker "
              + mqttUrl
              + " is not managed by the platform: the gateways tell it nothing about device"
              + " identity (bdt.gateway.mqtt.access=none)");
    } else {
      awaitBroker();
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
      int port =
          PlatformPorts.portFor(id, settings.basePort() == 0 ? 0 : settings.basePort() + n, out);
      Map<String, String> conf =
          services.gateway(
              n,
              id,
              port,
              mqttUrl,
              Optional.ofNullable(broker),
              apUrls,
              rpcPorts,
              contracts,
              moreGatewaySettings);
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
    if (settings.explorer()) {
      // its JVM comes up while the gateways do: it needs AP 0's node and the gateways' URLs only
      startExplorer();
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

    fleet =
        new SensorFleet(
            mqttUrl,
            layout.devices(settings.devices(), gatewayIds),
            SensorFleet.SEED,
            broker == null
                ? null
                : TlsContexts.fromPem(pki.caCertificate(), Optional.empty(), Optional.empty())
                    .getSocketFactory());
    fleet.withReconnectMaxDelay(fleetReconnectMaxDelay);
    if (broker != null && !gateways.isEmpty()) {
      // each device provisions itself, then connects as itself with its issued secret
      fleet.provision(
          PROFILE_KEY, provisioningSecret, settings.work().resolve("fleet/credentials.json"));
    }
    settings.faults().forEach(fleet::inject);
    fleet.start(settings.periodMillis());
    if (explorer != null) {
      explorer.awaitReady("/q/health/ready", READY_LIMIT);
    }
  }

  /** Waits for {@link #brokerStarting}; rethrows what stopped the broker from starting. */
  private void awaitBroker() throws IOException, InterruptedException {
    brokerStarting.join();
    if (brokerFailure instanceof IOException e) {
      throw e;
    }
    if (brokerFailure != null) {
      throw new IOException(
          "the embedded MQTT broker did not start: " + brokerFailure, brokerFailure);
    }
  }

  /**
   * Starts the audit explorer (if built), following AP 0's node and auditing the gateways' twins;
   * {@link #start} awaits its readiness last.
   */
  private void startExplorer() throws IOException, InterruptedException {
    Path jar = settings.root().resolve("explorer/target/quarkus-app/quarkus-run.jar");
    if (!Files.exists(jar)) {
      out.println("platform: WARNING " + jar + " is not built; running without the explorer");
      return;
    }
    int port =
        PlatformPorts.portFor(
            "explorer", settings.basePort() == 0 ? 0 : settings.basePort() - 10, out);
    explorer =
        new ServiceProcess(
            "explorer",
            jar,
            services.explorer(
                port,
                rpcPorts.getFirst(),
                nodeWsPort,
                gateways.stream().map(ServiceProcess::baseUrl).toList()),
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
  }

  /** The explorer's process, if it runs. */
  Optional<ServiceProcess> explorerProcess() {
    return Optional.ofNullable(explorer);
  }

  /** The URLs of every API, for the user. */
  Map<String, String> urls() {
    return PlatformApis.of(
        mqttUrl, Optional.ofNullable(broker), pki, gateways, aps, rpcPorts, explorerProcess());
  }

  /** The embedded MQTT broker, when the platform runs one. */
  Optional<MqttBroker> broker() {
    return Optional.ofNullable(broker);
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

  /** GET {@code url} as JSON with the admin token, or null. */
  JsonNode getJson(String url) {
    return PlatformApis.getJson(http, adminToken, url);
  }

  @Override
  public void close() throws Exception {
    if (fleet != null) {
      fleet.close();
    }
    // the explorer and the gateways together, then the APs (whose nodes the gateways write to)
    List<ServiceProcess> readers = new ArrayList<>(gateways);
    if (explorer != null) {
      readers.add(explorer);
    }
    ServiceProcess.closeAll(readers);
    ServiceProcess.closeAll(aps);
    if (brokerStarting != null) {
      brokerStarting.join(); // a start that failed half-way still closes what it started
    }
    if (broker != null) {
      broker.close();
    }
    if (dataLock != null) {
      dataLock.channel().close();
    }
  }
}
