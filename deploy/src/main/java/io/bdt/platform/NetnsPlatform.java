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
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.http.HttpService;

/**
 * {@code ./bdt platform --hosts netns}: the {@code prod} overlay's services, each on its own
 * network-namespace host ({@link NetnsHosts}) under its Kubernetes DNS name ({@code ap-0.ap},
 * {@code gateway-0.gateway}, {@code mosquitto}), started with the environment the rendered overlay
 * gives its pod ({@link OverlayPods}) and the files its Secrets and ConfigMaps would hold, made
 * here for a new network as {@code new-network.sh} makes them. The launcher (root namespace, the
 * bridge's {@code .1}) runs the contracts Job's command and the simulated sensor fleet, which
 * reaches Mosquitto over the bridge. Kafka (a Strimzi resource in the overlay) is not run: the
 * gateways start without {@code BDT_GATEWAY_KAFKA_BOOTSTRAP_SERVERS}, i.e. without events. Root
 * only; {@link #close} stops every process and removes every namespace, link and file it made.
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
  static final String MOSQUITTO = "mosquitto";

  /** Where Debian and the Mosquitto image keep the dynamic security plugin. */
  private static final List<String> PLUGIN_DIRS =
      List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib");

  private static final String PLUGIN = "mosquitto_dynamic_security.so";

  private final Settings settings;
  private final PrintStream out;
  private final List<String> aps = new ArrayList<>();
  private final List<String> gateways = new ArrayList<>();
  private final Map<String, Integer> ports = new LinkedHashMap<>();
  private NetnsHosts hosts;
  private SensorFleet fleet;
  // the overlay's broker: its first listener (password clients) and whether it is TLS
  private int mqttPort;
  private boolean mqttTls;
  private HttpClient http;
  private String adminToken;
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
    List<String> names = new ArrayList<>(aps);
    names.addAll(gateways);
    names.add(MOSQUITTO);
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

    startMosquitto(prod, files, pods, logs);

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

    Path gatewayJar = settings.root().resolve("gateway-twin/target/quarkus-app/quarkus-run.jar");
    for (int n = 0; n < gateways.size(); n++) {
      Map<String, String> env = prod.environment("gateway", "gateway-" + n, files, pods, replaced);
      // the overlay's Kafka is a Strimzi resource, not run here: the gateways publish no events
      env.remove("BDT_GATEWAY_KAFKA_BOOTSTRAP_SERVERS");
      env.put(
          "BDT_GATEWAY_INFERENCE_GATEWAY_FLOPS_PER_SECOND",
          Double.toString(settings.gatewayFlops()));
      ports.put(gateways.get(n), Integer.parseInt(env.get("QUARKUS_HTTP_PORT")));
      hosts.start(gateways.get(n), java(gatewayJar), env, logs.resolve(gateways.get(n) + ".log"));
    }
    for (String gw : gateways) {
      awaitReady(gw, logs);
    }

    List<String> ids = gateways.stream().map(NetnsPlatform::pod).toList();
    fleet =
        new SensorFleet(
            (mqttTls ? "ssl://" : "tcp://") + address(MOSQUITTO) + ":" + mqttPort,
            SensorFleet.spread(settings.devices(), ids),
            20_261_203L,
            mqttTls
                ? TlsContexts.fromPem(
                        files.resolve("bdt-tls/ca.pem"), Optional.empty(), Optional.empty())
                    .getSocketFactory()
                : null);
    // the fleet provisions with the secret the gateways read from the gateway-profiles Secret
    fleet.provision(
        Platform.PROFILE_KEY,
        made.profileSecret(),
        settings.work().resolve("fleet/credentials.json"));
    settings.faults().forEach(fleet::inject);
    fleet.start(settings.periodMillis());
  }

  /**
   * Mosquitto on its host with the overlay's configuration (its paths mapped; the plugin where this
   * machine has it; run as this user, where the pod runs it as uid 1883) and its dynamic security
   * file initialised as the pod's init container does, the admin password read from stdin.
   */
  private void startMosquitto(OverlayPods prod, Path files, Path pods, Path logs) throws Exception {
    Map<String, Path> mounts = prod.mounts(MOSQUITTO, "mosquitto-0", files, pods);
    Path dynsec = Path.of(OverlayPods.local("/mosquitto/data/dynamic-security.json", mounts));
    String plugin =
        PLUGIN_DIRS.stream()
            .map(d -> Path.of(d, PLUGIN))
            .filter(Files::exists)
            .findFirst()
            .orElseThrow(
                () ->
                    new IOException(
                        PLUGIN + " not found in " + PLUGIN_DIRS + ": apt-get install mosquitto"))
            .toString();
    StringBuilder conf =
        new StringBuilder("# the prod overlay's mosquitto.conf, paths mapped\nuser root\n");
    for (String line : prod.configMapEntry("mosquitto-config", "mosquitto.conf").split("\n")) {
      String[] w = line.split(" ", 2);
      if (w.length == 2 && w[0].equals("listener") && mqttPort == 0) {
        mqttPort = Integer.parseInt(w[1].strip().split(" ")[0]); // the first: password clients
      }
      mqttTls |= w.length == 2 && w[0].equals("certfile");
      if (w.length == 2 && w[0].equals("plugin")) {
        line = "plugin " + plugin;
      } else if (w.length == 2 && !w[0].startsWith("#")) {
        line = w[0] + " " + OverlayPods.local(w[1], mounts);
      }
      conf.append(line).append('\n');
    }
    Path config = Files.createDirectories(mounts.get("/mosquitto/config"));
    Files.writeString(config.resolve("mosquitto.conf"), conf);
    String admin = Files.readString(files.resolve("mosquitto-admin/username")).strip();
    String password = Files.readString(files.resolve("mosquitto-admin/password")).strip();
    Process init =
        new ProcessBuilder("mosquitto_ctrl", "dynsec", "init", dynsec.toString(), admin)
            .redirectErrorStream(true)
            .start();
    init.getOutputStream()
        .write((password + "\n" + password + "\n").getBytes(StandardCharsets.UTF_8));
    init.getOutputStream().close();
    String said = new String(init.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!init.waitFor(30, TimeUnit.SECONDS) || init.exitValue() != 0 || !Files.exists(dynsec)) {
      throw new IOException("mosquitto_ctrl dynsec init failed: " + said.strip());
    }
    List<String> command = new ArrayList<>();
    for (String w : prod.command(MOSQUITTO)) {
      command.add(OverlayPods.local(w, Map.of("/mosquitto/config", config)));
    }
    hosts.start(MOSQUITTO, command, Map.of(), logs.resolve("mosquitto.log"));
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(address(MOSQUITTO), mqttPort), 1000);
        break;
      } catch (IOException e) {
        if (System.nanoTime() > end) {
          throw new IOException(
              "mosquitto did not listen on "
                  + address(MOSQUITTO)
                  + ":"
                  + mqttPort
                  + "; see "
                  + logs.resolve("mosquitto.log"));
        }
        Thread.sleep(200);
      }
    }
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
    while (get(host, "/q/health/ready") == null) {
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

  /** GET {@code path} on {@code host}'s HTTPS port as text, or null when it does not answer 200. */
  String get(String host, String path) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(baseUrl(host) + path))
                  .header("Authorization", "Bearer " + adminToken)
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? r.body() : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /**
   * The sum of {@code metric}'s samples (every label set) on {@code host}'s {@code /q/metrics}, or
   * -1 when it does not answer.
   */
  double metric(String host, String metric) {
    String text = get(host, "/q/metrics");
    if (text == null) {
      return -1;
    }
    double sum = 0;
    for (String line : text.split("\n")) {
      if (line.startsWith(metric + " ") || line.startsWith(metric + "{")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  /**
   * {@code metric}'s samples on {@code host} by the value of their label {@code label} (e.g. the
   * gateways' tasks per cut {@code k}), empty when it does not answer.
   */
  Map<String, Long> metricBy(String host, String metric, String label) {
    Map<String, Long> by = new java.util.TreeMap<>();
    String text = get(host, "/q/metrics");
    String key = label + "=\"";
    for (String line : text == null ? new String[0] : text.split("\n")) {
      int at = line.indexOf(key);
      if (line.startsWith(metric + "{") && at > 0) {
        String value = line.substring(at + key.length(), line.indexOf('"', at + key.length()));
        by.merge(
            value, (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)), Long::sum);
      }
    }
    return by;
  }

  /** {@code ap}'s chain head, or -1 when its node does not answer. */
  long head(String ap) {
    try {
      return rpc.get(ap).ethBlockNumber().send().getBlockNumber().longValueExact();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** Block {@code number}'s hash on {@code ap}, or null. */
  String blockHash(String ap, long number) {
    try {
      var block =
          rpc.get(ap)
              .ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.valueOf(number)), false)
              .send()
              .getBlock();
      return block == null ? null : block.getHash();
    } catch (IOException | RuntimeException e) {
      return null;
    }
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

  SensorFleet fleet() {
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
    u.put(MOSQUITTO, "tcp://" + address(MOSQUITTO) + ":1883 (Mosquitto 2, dynamic security)");
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
      long h = head(ap);
      s.append(" | ")
          .append(pod(ap))
          .append(' ')
          .append(
              h < 0
                  ? "unreachable"
                  : "block " + h + " served " + (long) metric(ap, "bdt_ap_tasks_served_total"));
    }
    for (String gw : gateways) {
      s.append(" | ")
          .append(pod(gw))
          .append(" windows ")
          .append((long) metric(gw, "bdt_telemetry_ingested_total"))
          .append(" results ")
          .append((long) metric(gw, "bdt_inference_latency_measured_seconds_count"))
          .append(" fallbacks ")
          .append((long) metric(gw, "bdt_inference_offload_fallback_total"))
          .append(" cuts ")
          .append(metricBy(gw, "bdt_inference_cut_total", "cut"));
    }
    return s.toString();
  }

  @Override
  public void close() throws Exception {
    if (fleet != null) {
      fleet.close();
    }
    rpc.values().forEach(Web3j::shutdown);
    if (hosts != null) {
      hosts.close();
    }
  }
}
