package io.bdt.platform;

import io.bdt.cli.Bdt;
import io.bdt.contracts.auth.Roles;
import io.bdt.pki.TlsContexts;
import io.bdt.platform.contracts.ContractsFile;
import io.bdt.platform.netns.NetnsHosts;
import io.bdt.platform.netns.OverlayPods;
import io.bdt.platform.netns.ProdNetwork;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/**
 * {@code ./bdt platform --hosts netns}: the {@code prod} overlay's services, each on its own
 * network-namespace host ({@link NetnsHosts}) under its Kubernetes DNS name ({@code ap-0.ap},
 * {@code gateway-0.gateway}, {@code mosquitto}), started with the environment the rendered overlay
 * gives its pod ({@link OverlayPods}) and the files its Secrets and ConfigMaps would hold, made
 * here for a new network as {@code new-network.sh} makes them. Kafka, a Strimzi resource in the
 * overlay, is the platform's embedded broker ({@link KafkaHost}) on a host named as Strimzi's
 * bootstrap Service, which the gateways are configured with; the explorer (if built) runs on its
 * own host as its StatefulSet says; the sensor fleet ({@link FleetHost}) on a host of its own
 * reaches Mosquitto by name over the namespace network as devices outside the cluster would. The
 * launcher (root namespace, the bridge's {@code .1}) runs the contracts Job's command and calls the
 * services' APIs. Root only; {@link #close} stops every process and removes every namespace, link
 * and file it made.
 */
final class NetnsPlatform implements AutoCloseable {

  /**
   * What to run besides the overlay: the fleet, each gateway's {@code phi_G f_n^G} (FLOP/s; the
   * overlay leaves the service default, at which DPRA runs every task locally) and the chain's base
   * difficulty (low: three nodes share this machine's cores).
   */
  record Settings(
      Path root,
      Path work,
      int devices,
      long periodMillis,
      double gatewayFlops,
      long baseDifficulty,
      Map<String, String> faults) {}

  static {
    Platform.useLogback(); // before the in-process bdt commands pick the launcher's default
  }

  /** The overlay's MQTT Service name, which is the broker host's name. */
  static final String MOSQUITTO = NetnsMosquitto.HOST;

  /** Strimzi's bootstrap Service of Kafka cluster {@code bdt}: the Kafka host's name. */
  static final String KAFKA = "bdt-kafka-bootstrap";

  /** Kafka's client port (Strimzi's plain listener) and its controller's (Strimzi's 9090). */
  static final int KAFKA_PORT = 9092;

  static final int KAFKA_CONTROLLER_PORT = 9090;

  /** The explorer's Service name, its host's name. */
  static final String EXPLORER = "explorer";

  /** The devices' host (outside the cluster in a real deployment). */
  static final String FLEET = "fleet";

  private final Settings settings;
  private final PrintStream out;
  private final List<String> aps = new ArrayList<>();
  private final List<String> gateways = new ArrayList<>();
  private final Map<String, Integer> ports = new LinkedHashMap<>();
  private NetnsHosts hosts;
  private FleetProcess fleet;
  // the overlay's broker: its first listener (password clients) and whether it is TLS
  private NetnsMosquitto mqtt;
  private HttpClient http;
  private String adminToken;
  private NetnsProbe probe;
  private ContractsFile contracts;
  private final Map<String, Web3j> rpc = new LinkedHashMap<>();
  private final Map<String, String> rpcUrls = new LinkedHashMap<>();

  NetnsPlatform(Settings settings, PrintStream out) {
    this.settings = settings;
    this.out = out;
  }

  /** Starts every part in dependency order; on failure {@link #close} undoes what was made. */
  void start() throws Exception {
    Path overlay = settings.root().resolve("deploy/k8s/overlays/prod");
    OverlayPods prod = OverlayPods.render(overlay);
    for (int i = 0; i < prod.replicas("ap"); i++) {
      aps.add("ap-" + i + ".ap");
    }
    for (int n = 0; n < prod.replicas("gateway"); n++) {
      gateways.add("gateway-" + n + ".gateway");
    }
    Path explorerJar = settings.root().resolve("explorer/target/quarkus-app/quarkus-run.jar");
    List<String> names = new ArrayList<>(aps);
    names.addAll(gateways);
    names.addAll(List.of(MOSQUITTO, KAFKA, FLEET));
    if (Files.exists(explorerJar)) {
      names.add(EXPLORER);
    } else {
      out.println(
          "platform: WARNING " + explorerJar + " is not built; running without the explorer");
    }
    hosts = NetnsHosts.create(names, NetnsHosts.PLATFORM);
    out.println("platform: hosts on " + hosts.bridgeAddress() + "/24 (bridge; this launcher):");
    for (NetnsHosts.Host h : hosts.hosts()) {
      out.printf("  %-18s %-14s netns %s%n", h.name(), h.address(), h.namespace());
    }
    Path pods = settings.work().resolve("pods");
    Path logs = Files.createDirectories(settings.work().resolve("logs"));
    List<String> sans = new ArrayList<>();
    for (NetnsHosts.Host h : hosts.hosts()) {
      sans.add(h.name());
      // the launcher calls the services by address (its /etc/hosts is the machine's)
      sans.add(h.address());
    }
    ProdNetwork made =
        ProdNetwork.create(
            settings.root(),
            settings.work(),
            aps.size(),
            gateways.size(),
            settings.baseDifficulty(),
            sans);
    Path network = made.network();
    Path files = made.files();
    contracts = made.contracts();
    Map<String, Map<String, String>> replaced = Map.of("bdt-contracts", contracts.entries());
    adminToken =
        made.tokens().issue("platform-admin", Roles.ALL, Duration.ofHours(12), Instant.now());
    http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .sslContext(
                TlsContexts.fromPem(
                    files.resolve("bdt-tls/ca.pem"), Optional.empty(), Optional.empty()))
            .build();
    probe = new NetnsProbe(http, adminToken, this::baseUrl, rpc);

    mqtt = NetnsMosquitto.start(prod, hosts, files, pods, logs);
    hosts.start(
        KAFKA,
        javaMain(
            KafkaHost.class,
            KAFKA,
            Integer.toString(KAFKA_PORT),
            Integer.toString(KAFKA_CONTROLLER_PORT)),
        Map.of(),
        logs.resolve(KAFKA + ".log"));
    // Kafka comes up while the APs do and the contracts are deployed; the gateways need it

    Path apJar = settings.root().resolve("access-point/target/quarkus-app/quarkus-run.jar");
    for (int i = 0; i < aps.size(); i++) {
      Map<String, String> env = prod.environment("ap", "ap-" + i, files, pods, replaced);
      ports.put(aps.get(i), Integer.parseInt(env.get("QUARKUS_HTTP_PORT")));
      hosts.start(aps.get(i), java(apJar), env, logs.resolve(aps.get(i) + ".log"));
      rpcUrls.put(
          aps.get(i), "http://" + address(aps.get(i)) + ":" + env.get("BDT_AP_CHAIN_RPC_PORT"));
      // short timeouts: a cut AP must not stall the summary for OkHttp's default 10 s per call
      rpc.put(
          aps.get(i),
          Web3j.build(
              new HttpService(
                  rpcUrls.get(aps.get(i)),
                  new okhttp3.OkHttpClient.Builder()
                      .connectTimeout(Duration.ofSeconds(1))
                      .readTimeout(Duration.ofSeconds(5))
                      .build())));
    }
    for (String ap : aps) {
      awaitReady(ap, logs);
    }
    out.println("platform: " + aps.size() + " APs up; deploying the contracts (the Job's command)");
    String[] job = {
      "contracts",
      "deploy",
      "--rpc=" + rpcUrl(aps.getFirst()),
      "--genesis=" + network.resolve("genesis.json"),
      "--contracts=" + network.resolve(ContractsFile.NAME),
      "--keys=" + network,
      "--wait-seconds=300"
    };
    if (Bdt.commandLine().execute(job) != 0) {
      throw new IOException("the contracts Job's command failed (its output is above)");
    }

    NetnsMosquitto.awaitListening(
        hosts, KAFKA, KAFKA_PORT, Duration.ofSeconds(120), logs.resolve(KAFKA + ".log"));
    Path gatewayJar = settings.root().resolve("gateway-twin/target/quarkus-app/quarkus-run.jar");
    for (int n = 0; n < gateways.size(); n++) {
      Map<String, String> env = prod.environment("gateway", "gateway-" + n, files, pods, replaced);
      env.put(
          "BDT_GATEWAY_INFERENCE_GATEWAY_FLOPS_PER_SECOND",
          Double.toString(settings.gatewayFlops()));
      ports.put(gateways.get(n), Integer.parseInt(env.get("QUARKUS_HTTP_PORT")));
      hosts.start(gateways.get(n), java(gatewayJar), env, logs.resolve(gateways.get(n) + ".log"));
    }
    boolean explorer = hosts.hosts().stream().anyMatch(h -> h.name().equals(EXPLORER));
    if (explorer) {
      // its JVM comes up while the gateways do (it needs the chain and the gateways' names only)
      startExplorer(prod, explorerJar, made, files, pods, logs, replaced);
    }
    for (String gw : gateways) {
      awaitReady(gw, logs);
    }

    Path fleetDir = Files.createDirectories(settings.work().resolve("fleet"));
    Process devices =
        hosts.start(
            FLEET,
            javaMain(
                FleetHost.class,
                (mqtt.tls() ? "ssl://" : "tcp://") + MOSQUITTO + ":" + mqtt.port(),
                files.resolve("bdt-tls/ca.pem").toString(),
                Integer.toString(settings.devices()),
                String.join(",", gateways.stream().map(NetnsPlatform::pod).toList()),
                Long.toString(settings.periodMillis()),
                Platform.PROFILE_KEY,
                // the secret the gateways read from the gateway-profiles Secret
                files
                    .resolve(ProdNetwork.PROFILES_SECRET)
                    .resolve(ProdNetwork.PROFILE_SECRET_KEY)
                    .toString(),
                fleetDir.resolve("credentials.json").toString(),
                fleetDir.resolve("published").toString()),
            Map.of(),
            logs.resolve(FLEET + ".log"));
    fleet = new FleetProcess(devices, fleetDir.resolve("published"), logs.resolve(FLEET + ".log"));
    fleet.awaitPublishing(Duration.ofSeconds(180));
    settings.faults().forEach(fleet::inject);
    if (explorer) {
      awaitReady(EXPLORER, logs);
    }
  }

  /**
   * Starts the explorer on its host with its pod's environment ({@link #start} awaits it last); its
   * twin-reader token is written where the {@code bdt-explorer} Secret would hold it ({@code
   * new-network.sh} makes it so).
   */
  private void startExplorer(
      OverlayPods prod,
      Path jar,
      ProdNetwork made,
      Path files,
      Path pods,
      Path logs,
      Map<String, Map<String, String>> replaced)
      throws Exception {
    Path secret = Files.createDirectories(files.resolve("bdt-explorer"));
    io.bdt.consensus.keys.KeyFile.writeOwnerOnly(
        secret.resolve("gateway-token"),
        made.tokens()
            .issue(
                "platform-explorer",
                List.of(Roles.TWIN_READER),
                Duration.ofDays(7),
                Instant.now()));
    Map<String, String> env = prod.environment(EXPLORER, "explorer-0", files, pods, replaced);
    ports.put(EXPLORER, Integer.parseInt(env.get("QUARKUS_HTTP_PORT")));
    hosts.start(EXPLORER, java(jar), env, logs.resolve(EXPLORER + ".log"));
  }

  /** A JVM on this launcher's class path running {@code main}'s main method with {@code args}. */
  private static List<String> javaMain(Class<?> main, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx384m");
    command.addAll(JvmOptions.forThisJdk());
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(List.of(args));
    return command;
  }

  private List<String> java(Path jar) throws IOException {
    if (!Files.exists(jar)) {
      throw new IOException(jar + " is not built: ./mvnw -pl deploy,gateway-twin -am package");
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    command.addAll(JvmOptions.forThisJdk());
    command.addAll(List.of("-jar", jar.toString()));
    return command;
  }

  private void awaitReady(String host, Path logs) throws Exception {
    long end = System.nanoTime() + Platform.READY_LIMIT.toNanos();
    while (probe.get(host, "/q/health/ready") == null) {
      if (System.nanoTime() > end) {
        throw new IOException(
            host
                + " not ready after "
                + Platform.READY_LIMIT.toSeconds()
                + " s; see "
                + logs.resolve(host + ".log"));
      }
      Thread.sleep(1000);
    }
  }

  /** Reads of the running services (HTTPS, metrics, chain heads). */
  NetnsProbe probe() {
    return probe;
  }

  /** Takes {@code host}'s link down. */
  void cut(String host) throws IOException {
    hosts.cut(host);
  }

  /** Brings {@code host}'s link back up. */
  void heal(String host) throws IOException {
    hosts.heal(host);
  }

  List<String> aps() {
    return aps;
  }

  List<String> gateways() {
    return gateways;
  }

  FleetProcess fleet() {
    return fleet;
  }

  String adminToken() {
    return adminToken;
  }

  String address(String host) {
    return hosts.host(host).address();
  }

  String baseUrl(String host) {
    return "https://" + address(host) + ":" + ports.get(host);
  }

  String rpcUrl(String ap) {
    return rpcUrls.get(ap);
  }

  /** The URLs of every API, for the user (by address: the names resolve inside the hosts). */
  Map<String, String> urls() {
    Map<String, String> u = new LinkedHashMap<>();
    u.put(
        MOSQUITTO,
        (mqtt.tls() ? "ssl://" : "tcp://")
            + address(MOSQUITTO)
            + ":"
            + mqtt.port()
            + " (Mosquitto 2, dynamic security)");
    u.put(KAFKA, address(KAFKA) + ":" + KAFKA_PORT + " (Kafka 4, the gateways' CloudEvents)");
    if (ports.containsKey(EXPLORER)) {
      u.put(EXPLORER, baseUrl(EXPLORER) + "  (blocks, transactions, twin audits)");
    }
    for (String gw : gateways) {
      u.put(gw, baseUrl(gw) + "  (twins: /twins, metrics: /q/metrics)");
    }
    for (String ap : aps) {
      u.put(ap, baseUrl(ap) + "  (status: /status; chain JSON-RPC " + rpcUrl(ap) + ")");
    }
    return u;
  }

  /** A gateway host's pod name, which is its gateway id. */
  static String pod(String host) {
    return host.substring(0, host.indexOf('.'));
  }

  /**
   * A status line: windows the fleet published; each AP's head and tasks served; each gateway's
   * ingested windows, results, fallbacks (offloads that failed and ran locally) and tasks per cut
   * {@code k} (the highest, 11, is the whole model on the gateway).
   */
  String summary() {
    StringBuilder s = new StringBuilder("published " + fleet.published());
    for (String ap : aps) {
      long h = probe.head(ap);
      s.append(" | ")
          .append(pod(ap))
          .append(' ')
          .append(
              h < 0
                  ? "unreachable"
                  : "block "
                      + h
                      + " served "
                      + (long) probe.metric(ap, "bdt_ap_tasks_served_total"));
    }
    for (String gw : gateways) {
      s.append(" | ")
          .append(pod(gw))
          .append(" windows ")
          .append((long) probe.metric(gw, "bdt_telemetry_ingested_total"))
          .append(" results ")
          .append((long) probe.metric(gw, "bdt_inference_latency_measured_seconds_count"))
          .append(" fallbacks ")
          .append((long) probe.metric(gw, "bdt_inference_offload_fallback_total"))
          .append(" cuts ")
          .append(probe.metricBy(gw, "bdt_inference_cut_total", "cut"));
    }
    return s.toString();
  }

  @Override
  public void close() throws Exception {
    if (fleet != null) {
      try {
        fleet.close();
      } catch (IOException e) {
        out.println("platform: " + e.getMessage());
      }
    }
    rpc.values().forEach(Web3j::shutdown);
    if (hosts != null) {
      hosts.close();
    }
  }
}
