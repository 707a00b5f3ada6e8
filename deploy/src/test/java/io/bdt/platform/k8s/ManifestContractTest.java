package io.bdt.platform.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bdt.ap.ApConfig;
import io.bdt.consensus.chain.ChainSpec;
import io.bdt.gateway.GatewayConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Kubernetes manifests in {@code deploy/k8s} agree with the services they deploy: each overlay
 * renders, every environment variable it sets is a key the service reads and every key a service
 * cannot start without is set, ports and probe paths match, every ConfigMap and Secret a pod names
 * exists (or is one that {@code new-network.sh} creates), the genesis parses and lists one miner
 * per AP replica, pods run as non-root with read-only root filesystems and limits, and the network
 * policies admit exactly the intended flows. No cluster needed: {@code kubectl kustomize} renders.
 */
@Timeout(120)
class ManifestContractTest {

  static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
  static final Path K8S = ROOT.resolve("deploy/k8s");

  /**
   * Framework keys the manifests may set: Quarkus' HTTP listener (every Quarkus application),
   * smallrye-jwt's verification key (both services verify bearer tokens) and the TLS registry's
   * server certificate. The certificate's keys are set under their property names: the registry's
   * map keys are not found from {@code QUARKUS_TLS_KEY_STORE_PEM_0_CERT}, and a service given only
   * that refuses to start without HTTPS ({@code ProdApsAcrossHostsIT} starts the APs with the
   * rendered environment).
   */
  static final Set<String> QUARKUS_KEYS =
      Set.of(
          "QUARKUS_HTTP_HOST",
          "QUARKUS_HTTP_PORT",
          "MP_JWT_VERIFY_PUBLICKEY_LOCATION",
          "quarkus.tls.key-store.pem.0.cert",
          "quarkus.tls.key-store.pem.0.key");

  static final Set<String> HEALTH_PATHS =
      Set.of("/q/health/live", "/q/health/ready", "/q/health/started");

  @BeforeAll
  static void kubectlIsHere() {
    boolean found =
        Stream.of(System.getenv("PATH").split(":"))
            .anyMatch(dir -> Files.isExecutable(Path.of(dir, "kubectl")));
    assumeTrue(
        found, "kubectl (with Kustomize) is not installed, so the overlays cannot be rendered");
  }

  static RenderedOverlay render(String overlay) throws IOException, InterruptedException {
    return RenderedOverlay.render(K8S.resolve("overlays").resolve(overlay));
  }

  static Container container(RenderedOverlay o, String workload) {
    return o.statefulSet(workload).getSpec().getTemplate().getSpec().getContainers().getFirst();
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void everyVariableTheManifestsSetIsAKeyTheServiceReads(String overlay) throws Exception {
    RenderedOverlay o = render(overlay);
    check(o, "ap", ConfigKeys.of(ApConfig.class));
    check(o, "gateway", ConfigKeys.of(GatewayConfig.class));
  }

  private static void check(RenderedOverlay o, String workload, ConfigKeys keys) {
    Map<String, String> env = o.environment(container(o, workload));
    List<String> unread = new ArrayList<>();
    for (String name : env.keySet()) {
      boolean referenced =
          env.values().stream().anyMatch(v -> v != null && v.contains("$(" + name + ")"));
      if (!keys.readsEnv(name) && !QUARKUS_KEYS.contains(name) && !referenced) {
        unread.add(name);
      }
    }
    assertThat(unread).as(o.name() + "/" + workload + ": variables no config key reads").isEmpty();
    List<String> missing =
        keys.required().stream()
            .filter(
                k ->
                    env.entrySet().stream()
                        .noneMatch(e -> k.matchesEnv(e.getKey()) && !e.getValue().isEmpty()))
            .map(ConfigKeys.Key::name)
            .toList();
    assertThat(missing).as(o.name() + "/" + workload + ": required keys not set").isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void tokensAreVerifiedWithThePublicKeyFromTheJwtSecret(String overlay) throws Exception {
    RenderedOverlay o = render(overlay);
    for (String workload : List.of("ap", "gateway")) {
      String path = o.environment(container(o, workload)).get("MP_JWT_VERIFY_PUBLICKEY_LOCATION");
      assertThat(path).as(workload).isNotNull();
      assertThat(secretMountedAt(o.statefulSet(workload), path)).as(workload).isEqualTo("bdt-jwt");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void servicesServeHttpsFromTheTlsSecretAndTrustItsCa(String overlay) throws Exception {
    RenderedOverlay o = render(overlay);
    for (String workload : List.of("ap", "gateway", "explorer")) {
      Container c = container(o, workload);
      Map<String, String> env = o.environment(c);
      for (String file :
          List.of("quarkus.tls.key-store.pem.0.cert", "quarkus.tls.key-store.pem.0.key")) {
        assertThat(env.get(file)).as(workload + " " + file).isNotNull();
        assertThat(secretMountedAt(o.statefulSet(workload), env.get(file)))
            .as(workload + " " + file)
            .isEqualTo("bdt-tls");
      }
      // plain HTTP is closed, so the kubelet probes over HTTPS
      for (Probe p : List.of(c.getStartupProbe(), c.getLivenessProbe(), c.getReadinessProbe())) {
        assertThat(p.getHttpGet().getScheme()).as(workload + " probe").isEqualTo("HTTPS");
      }
    }
    Map<String, String> gwEnv = o.environment(container(o, "gateway"));
    assertThat(Stream.of(gwEnv.get("BDT_GATEWAY_INFERENCE_APS").split(",")).map(URI::create))
        .allSatisfy(u -> assertThat(u.getScheme()).isEqualTo("https"));
    assertThat(
            secretMountedAt(o.statefulSet("gateway"), gwEnv.get("BDT_GATEWAY_INFERENCE_CA_FILE")))
        .isEqualTo("bdt-tls");
    String explorerCa = o.environment(container(o, "explorer")).get("BDT_EXPLORER_CA_FILE");
    assertThat(secretMountedAt(o.statefulSet("explorer"), explorerCa)).isEqualTo("bdt-tls");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void eachPodReadsItsOwnKeyFileFromTheKeysSecret(String overlay) throws Exception {
    RenderedOverlay o = render(overlay);
    Map<String, String> files =
        Map.of("ap", "BDT_AP_KEY_FILE", "gateway", "BDT_GATEWAY_INFERENCE_SIGNING_KEY_FILE");
    for (var e : files.entrySet()) {
      Map<String, String> env = o.environment(container(o, e.getKey()));
      String path = env.get(e.getValue());
      // the pod's own name picks its file: ap-0 reads ap-0.key, gateway-1 reads gateway-1.key
      assertThat(path).as(e.getKey()).endsWith("/$(POD_NAME).key");
      assertThat(env.get("POD_NAME")).contains("metadata.name");
      assertThat(
              secretMountedAt(
                  o.statefulSet(e.getKey()), path.replace("$(POD_NAME)", e.getKey() + "-0")))
          .isEqualTo(e.getKey() + "-keys");
      // no key travels as a plain environment value
      assertThat(env).doesNotContainKeys("BDT_AP_KEY", "BDT_GATEWAY_INFERENCE_SIGNING_KEY");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void gatewaysManageMosquittoThroughDynamicSecurityWithPasswordsFromSecretFiles(String overlay)
      throws Exception {
    RenderedOverlay o = render(overlay);
    Map<String, String> env = o.environment(container(o, "gateway"));
    assertThat(env).containsEntry("BDT_GATEWAY_MQTT_ACCESS", "dynamic-security");
    // over TLS only, checking the broker's certificate against the network's CA
    assertThat(env.get("BDT_GATEWAY_MQTT_URL")).isEqualTo("ssl://mosquitto:8883");
    assertThat(secretMountedAt(o.statefulSet("gateway"), env.get("BDT_GATEWAY_MQTT_CA_FILE")))
        .isEqualTo("bdt-tls");
    // the admin the plugin file is initialised with (mosquitto's dynsec-init reads the same Secret)
    assertThat(env).containsEntry("BDT_GATEWAY_MQTT_ADMIN_USERNAME", "bdt-admin");
    assertThat(Files.readString(K8S.resolve("new-network.sh")))
        .contains("printf 'bdt-admin' > \"$work/username\"");
    String admin = env.get("BDT_GATEWAY_MQTT_ADMIN_PASSWORD_FILE");
    assertThat(secretMountedAt(o.statefulSet("gateway"), admin)).isEqualTo("mosquitto-admin");
    assertThat(admin).endsWith("/password");
    String own = env.get("BDT_GATEWAY_MQTT_PASSWORD_FILE");
    assertThat(own).endsWith("/$(POD_NAME).mqtt-password");
    assertThat(secretMountedAt(o.statefulSet("gateway"), own.replace("$(POD_NAME)", "gateway-0")))
        .isEqualTo("gateway-keys");
    assertThat(Files.readString(K8S.resolve("new-network.sh")))
        .contains("--from-file=gateway-$i.mqtt-password=");
    // no password travels as a plain environment value
    assertThat(env)
        .doesNotContainKeys("BDT_GATEWAY_MQTT_PASSWORD", "BDT_GATEWAY_MQTT_ADMIN_PASSWORD");
    // the broker runs the plugin and refuses anonymous clients
    String conf = Files.readString(K8S.resolve("base/mosquitto.conf"));
    assertThat(conf)
        .contains("allow_anonymous false")
        .contains("plugin /usr/lib/mosquitto_dynamic_security.so")
        .contains("log_dest topic");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void gatewaysReadTheProvisioningProfileSecretFromTheProfilesSecretNeverTheCommandLine(
      String overlay) throws Exception {
    RenderedOverlay o = render(overlay);
    Container c = container(o, "gateway");
    // the service ships no secret: every profile the gateway knows gets one from a Secret
    var secret =
        c.getEnv().stream()
            .filter(e -> e.getName().equals("BDT_GATEWAY_PROFILES_VIBRATION_SENSOR_SECRET"))
            .findFirst()
            .orElseThrow(() -> new AssertionError(overlay + ": the profile secret is not set"))
            .getValueFrom()
            .getSecretKeyRef();
    assertThat(secret.getName()).isEqualTo("gateway-profiles");
    assertThat(secret.getKey()).isEqualTo("vibration-sensor.secret");
    assertThat(secret.getOptional()).isNotEqualTo(Boolean.TRUE);
    assertThat(Files.readString(K8S.resolve("new-network.sh")))
        .contains("kubectl create secret generic gateway-profiles")
        .contains("--from-file=vibration-sensor.secret=");
    // no ConfigMap entry and no -D argument carries it
    assertThat(o.environment(c).get("BDT_GATEWAY_PROFILES_VIBRATION_SENSOR_SECRET"))
        .startsWith("<from:");
    assertThat(Stream.concat(c.getCommand().stream(), c.getArgs().stream()))
        .noneMatch(a -> a.contains("profiles"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void mosquittoServesMqttOnlyOverTlsWithTheCertificateFromTheTlsSecret(String overlay)
      throws Exception {
    RenderedOverlay o = render(overlay);
    StatefulSet broker = o.statefulSet("mosquitto");
    Container c = broker.getSpec().getTemplate().getSpec().getContainers().getFirst();
    String conf =
        o.all(ConfigMap.class).stream()
            .filter(m -> m.getMetadata().getName().startsWith("mosquitto-config"))
            .findFirst()
            .orElseThrow()
            .getData()
            .get("mosquitto.conf");
    Map<Integer, Map<String, String>> listeners = listeners(conf);
    // no plain-text listener: 8883 for passwords, 8884 for client certificates
    assertThat(listeners).containsOnlyKeys(8883, 8884);
    for (var listener : listeners.entrySet()) {
      Map<String, String> settings = listener.getValue();
      for (String file : List.of("cafile", "certfile", "keyfile")) {
        assertThat(settings).as(listener.getKey() + " " + file).containsKey(file);
        assertThat(secretMountedAt(broker, settings.get(file)))
            .as(listener.getKey() + " " + file)
            .isEqualTo("bdt-tls");
      }
      assertThat(Path.of(settings.get("cafile")).getFileName()).hasToString("ca.pem");
      assertThat(Path.of(settings.get("keyfile")).getFileName()).hasToString("server-key.pem");
    }
    assertThat(listeners.get(8883)).doesNotContainKey("require_certificate");
    assertThat(listeners.get(8884))
        .containsEntry("require_certificate", "true")
        .containsEntry("use_identity_as_username", "true");
    assertThat(port(c, "mqtts")).isEqualTo(8883);
    assertThat(port(c, "mqtts-cert")).isEqualTo(8884);
    assertThat(o.service("mosquitto").getSpec().getPorts().stream().map(ServicePort::getPort))
        .containsExactlyInAnyOrder(8883, 8884);
    // the gateways dial the Service by name and verify it: the certificate must name it
    assertThat(Files.readString(K8S.resolve("new-network.sh"))).contains(",DNS:mosquitto\"");
    assertThat(conf).contains("log_dest topic");
  }

  /** Each {@code listener PORT} section of a Mosquitto config and its settings. */
  static Map<Integer, Map<String, String>> listeners(String conf) {
    Map<Integer, Map<String, String>> listeners = new java.util.TreeMap<>();
    Map<String, String> current = null;
    for (String line : conf.lines().map(String::strip).toList()) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split("\\s+", 2);
      if (parts[0].equals("listener")) {
        current = new java.util.HashMap<>();
        listeners.put(Integer.parseInt(parts[1].split("\\s+")[0]), current);
      } else if (current != null) {
        current.put(parts[0], parts.length > 1 ? parts[1] : "");
      }
    }
    return listeners;
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void portsAndProbesMatchWhatTheServicesListenOn(String overlay) throws Exception {
    RenderedOverlay o = render(overlay);
    Map<String, String> apEnv = o.environment(container(o, "ap"));
    Map<String, String> gwEnv = o.environment(container(o, "gateway"));
    assertThat(port(container(o, "ap"), "http"))
        .isEqualTo(Integer.parseInt(apEnv.get("QUARKUS_HTTP_PORT")));
    assertThat(port(container(o, "ap"), "rpc"))
        .isEqualTo(Integer.parseInt(apEnv.get("BDT_AP_CHAIN_RPC_PORT")));
    assertThat(port(container(o, "ap"), "p2p"))
        .isEqualTo(Integer.parseInt(apEnv.get("BDT_AP_CHAIN_P2P_PORT")));
    assertThat(port(container(o, "ap"), "ws"))
        .isEqualTo(Integer.parseInt(apEnv.get("BDT_AP_CHAIN_WS_PORT")));
    // the explorer follows AP 0's node over JSON-RPC and its newHeads over WebSocket
    Map<String, String> explorerEnv = o.environment(container(o, "explorer"));
    assertThat(explorerEnv.get("BDT_EXPLORER_NODE_URL"))
        .isEqualTo("http://ap-0.ap:" + apEnv.get("BDT_AP_CHAIN_RPC_PORT"));
    assertThat(explorerEnv.get("BDT_EXPLORER_WS_URL"))
        .isEqualTo("ws://ap-0.ap:" + apEnv.get("BDT_AP_CHAIN_WS_PORT"));
    assertThat(port(container(o, "gateway"), "http"))
        .isEqualTo(Integer.parseInt(gwEnv.get("QUARKUS_HTTP_PORT")));
    assertThat(apEnv.get("QUARKUS_HTTP_HOST")).isEqualTo("0.0.0.0");
    // other APs, the gateways and the explorer reach the node's P2P and JSON-RPC across pods
    assertThat(apEnv.get("BDT_AP_CHAIN_HOST")).isEqualTo("0.0.0.0");
    assertThat(gwEnv.get("QUARKUS_HTTP_HOST")).isEqualTo("0.0.0.0");

    for (var entry : o.podTemplates().entrySet()) {
      for (Container c : entry.getValue().getSpec().getContainers()) {
        for (Probe p :
            Stream.of(c.getStartupProbe(), c.getLivenessProbe(), c.getReadinessProbe())
                .filter(Objects::nonNull)
                .toList()) {
          IntOrString probePort =
              p.getHttpGet() != null ? p.getHttpGet().getPort() : p.getTcpSocket().getPort();
          assertThat(c.getPorts().stream().map(ContainerPort::getName))
              .as(entry.getKey() + " probe port")
              .contains(probePort.getStrVal());
          if (p.getHttpGet() != null) {
            assertThat(HEALTH_PATHS)
                .as(entry.getKey() + " probe path")
                .contains(p.getHttpGet().getPath());
          }
        }
      }
    }
    // every Service selects a workload and targets ports its containers declare
    for (Service s : o.all(Service.class)) {
      PodTemplateSpec pods = selected(o, s.getSpec().getSelector());
      Set<String> names = new HashSet<>();
      pods.getSpec()
          .getContainers()
          .forEach(c -> c.getPorts().forEach(p -> names.add(p.getName())));
      for (ServicePort p : s.getSpec().getPorts()) {
        assertThat(names)
            .as("Service " + s.getMetadata().getName() + " targetPort")
            .contains(p.getTargetPort().getStrVal());
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void serviceProbesUseTheHealthEndpointsTheServicesHave(String overlay) throws Exception {
    // the services expose /q/health/* through quarkus-smallrye-health
    for (String module : List.of("access-point", "gateway-twin")) {
      assertThat(Files.readString(ROOT.resolve(module).resolve("pom.xml")))
          .as(module + " has quarkus-smallrye-health")
          .contains("<artifactId>quarkus-smallrye-health</artifactId>");
    }
    RenderedOverlay o = render(overlay);
    for (String workload : List.of("ap", "gateway")) {
      Container c = container(o, workload);
      assertThat(c.getStartupProbe().getHttpGet().getPath()).isEqualTo("/q/health/started");
      assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
      assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void peersAndAccessPointsAreTheStatefulSetsOwnDnsNames(String overlay) throws Exception {
    RenderedOverlay o = render(overlay);
    StatefulSet ap = o.statefulSet("ap");
    int replicas = ap.getSpec().getReplicas();
    Service headless = o.service(ap.getSpec().getServiceName());
    assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
    Set<String> apHosts = new HashSet<>();
    for (int i = 0; i < replicas; i++) {
      apHosts.add("ap-" + i + "." + headless.getMetadata().getName());
    }
    Map<String, String> apEnv = o.environment(container(o, "ap"));
    List<URI> peers =
        Stream.of(apEnv.get("BDT_AP_CHAIN_PEERS").split(",")).map(URI::create).toList();
    assertThat(peers).hasSize(replicas);
    assertThat(peers.stream().map(URI::getHost).toList())
        .containsExactlyInAnyOrderElementsOf(apHosts);
    assertThat(peers)
        .allSatisfy(u -> assertThat(u.getPort()).isEqualTo(port(container(o, "ap"), "p2p")));
    // each pod tells its peers the name they dial it by (it binds 0.0.0.0, which nobody can dial):
    // $(POD_NAME) is ap-i, so the advertised host is one of apHosts
    assertThat(apEnv.get("BDT_AP_CHAIN_ADVERTISED_HOST"))
        .isEqualTo("$(POD_NAME)." + headless.getMetadata().getName());
    assertThat(ap.getMetadata().getName()).isEqualTo("ap");

    Map<String, String> gwEnv = o.environment(container(o, "gateway"));
    List<URI> aps =
        Stream.of(gwEnv.get("BDT_GATEWAY_INFERENCE_APS").split(",")).map(URI::create).toList();
    assertThat(aps.stream().map(URI::getHost).toList())
        .containsExactlyInAnyOrderElementsOf(apHosts);
    assertThat(aps)
        .allSatisfy(u -> assertThat(u.getPort()).isEqualTo(port(container(o, "ap"), "http")));
    URI rpc = URI.create(gwEnv.get("BDT_GATEWAY_CHAIN_RPC_URL"));
    assertThat(apHosts).contains(rpc.getHost());
    assertThat(rpc.getPort()).isEqualTo(port(container(o, "ap"), "rpc"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void theGenesisParsesAndListsOneMinerPerAccessPoint(String overlay) throws Exception {
    RenderedOverlay o = render(overlay);
    ConfigMap genesis =
        o.all(ConfigMap.class).stream()
            .filter(c -> c.getMetadata().getName().startsWith("bdt-genesis"))
            .findFirst()
            .orElseThrow();
    Path file = Files.createTempFile("genesis", ".json");
    try {
      Files.writeString(file, genesis.getData().get("genesis.json"));
      ChainSpec spec = ChainSpec.read(file);
      assertThat(spec.accessPoints()).hasSize(o.statefulSet("ap").getSpec().getReplicas());
    } finally {
      Files.delete(file);
    }
    // the AP reads the genesis where the ConfigMap is mounted
    String path = o.environment(container(o, "ap")).get("BDT_AP_CHAIN_GENESIS");
    assertThat(mountedFrom(o.statefulSet("ap"), path)).startsWith("bdt-genesis");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void everyConfigMapAndSecretAPodNamesExists(String overlay) throws Exception {
    RenderedOverlay o = render(overlay);
    Set<String> configMaps = new HashSet<>();
    o.all(ConfigMap.class).forEach(c -> configMaps.add(c.getMetadata().getName()));
    Set<String> secrets = secretsNewNetworkCreates();
    for (var entry : o.podTemplates().entrySet()) {
      PodSpec pod = entry.getValue().getSpec();
      for (Volume v : pod.getVolumes()) {
        if (v.getConfigMap() != null) {
          assertThat(configMaps)
              .as(entry.getKey() + " volume " + v.getName())
              .contains(v.getConfigMap().getName());
        }
        if (v.getSecret() != null) {
          assertThat(secrets)
              .as(entry.getKey() + " volume " + v.getName())
              .contains(v.getSecret().getSecretName());
        }
      }
      for (Container c :
          Stream.concat(pod.getContainers().stream(), pod.getInitContainers().stream()).toList()) {
        c.getEnvFrom()
            .forEach(
                f -> {
                  if (f.getConfigMapRef() != null) {
                    assertThat(configMaps).contains(f.getConfigMapRef().getName());
                  }
                });
        c.getEnv().stream()
            .filter(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
            .forEach(
                e -> assertThat(secrets).contains(e.getValueFrom().getSecretKeyRef().getName()));
      }
    }
  }

  /** Secrets are created per network by new-network.sh (never committed); the names it writes. */
  static Set<String> secretsNewNetworkCreates() throws IOException {
    Matcher m =
        Pattern.compile("kubectl create secret generic ([a-z0-9-]+)")
            .matcher(Files.readString(K8S.resolve("new-network.sh")));
    Set<String> names = new HashSet<>();
    while (m.find()) {
      names.add(m.group(1));
    }
    assertThat(names).isNotEmpty();
    return names;
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void podsRunAsNonRootOnReadOnlyRootFilesystemsWithLimits(String overlay) throws Exception {
    RenderedOverlay o = render(overlay);
    assertThat(o.podTemplates()).isNotEmpty();
    for (var entry : o.podTemplates().entrySet()) {
      PodSpec pod = entry.getValue().getSpec();
      assertThat(pod.getSecurityContext().getRunAsNonRoot()).as(entry.getKey()).isTrue();
      for (Container c :
          Stream.concat(pod.getContainers().stream(), pod.getInitContainers().stream()).toList()) {
        String what = entry.getKey() + "/" + c.getName();
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).as(what).isTrue();
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).as(what).isFalse();
        assertThat(c.getResources().getRequests())
            .as(what + " requests")
            .containsKeys("cpu", "memory");
        assertThat(c.getResources().getLimits()).as(what + " limits").containsKeys("cpu", "memory");
        assertThat(c.getImage()).as(what + " image is pinned").matches(".+:[0-9][^:]*$");
      }
    }
  }

  @Test
  void devHasNoKafkaAndProdRunsItThroughStrimziInKraftMode() throws Exception {
    RenderedOverlay dev = render("dev");
    assertThat(dev.objects().stream().map(HasMetadata::getApiVersion))
        .noneMatch(v -> v.startsWith("kafka.strimzi.io"));
    assertThat(
            dev.environment(container(dev, "gateway")).get("BDT_GATEWAY_KAFKA_BOOTSTRAP_SERVERS"))
        .isEmpty();
    assertThat(dev.statefulSet("ap").getSpec().getReplicas()).isEqualTo(1);
    assertThat(dev.statefulSet("gateway").getSpec().getReplicas()).isEqualTo(1);

    RenderedOverlay prod = render("prod");
    assertThat(prod.statefulSet("ap").getSpec().getReplicas()).isEqualTo(3);
    assertThat(prod.statefulSet("gateway").getSpec().getReplicas()).isEqualTo(2);
    HasMetadata kafka = prod.ofKind("Kafka").getFirst();
    assertThat(kafka.getMetadata().getAnnotations()).containsEntry("strimzi.io/kraft", "enabled");
    assertThat(prod.ofKind("KafkaNodePool")).hasSize(1);
    Set<String> topics = new HashSet<>();
    prod.ofKind("KafkaTopic").forEach(t -> topics.add(t.getMetadata().getName()));
    // the topics are the gateway's defaults
    assertThat(topics).containsExactlyInAnyOrder("bdt.twin-events", "bdt.inference-results");
    String bootstrap =
        prod.environment(container(prod, "gateway")).get("BDT_GATEWAY_KAFKA_BOOTSTRAP_SERVERS");
    assertThat(bootstrap).startsWith(kafka.getMetadata().getName() + "-kafka-bootstrap:");
  }

  @Test
  void networkPoliciesDenyByDefaultAndAdmitOnlyTheIntendedFlows() throws Exception {
    RenderedOverlay o = render("prod");
    List<NetworkPolicy> policies = o.all(NetworkPolicy.class);
    NetworkPolicy deny =
        policies.stream().filter(p -> p.getSpec().getIngress().isEmpty()).findFirst().orElseThrow();
    assertThat(deny.getSpec().getPodSelector().getMatchLabels())
        .containsEntry("app.kubernetes.io/part-of", "bdt");
    // P2P only from other APs; nobody else may reach the miners' gossip port
    NetworkPolicy ap =
        policies.stream()
            .filter(p -> p.getMetadata().getName().equals("access-point-ingress"))
            .findFirst()
            .orElseThrow();
    ap.getSpec()
        .getIngress()
        .forEach(
            rule -> {
              boolean p2p =
                  rule.getPorts().stream()
                      .map(NetworkPolicyPort::getPort)
                      .anyMatch(port -> "p2p".equals(port.getStrVal()));
              if (p2p) {
                assertThat(rule.getFrom())
                    .allSatisfy(
                        peer ->
                            assertThat(peer.getPodSelector().getMatchLabels())
                                .containsEntry("app.kubernetes.io/name", "access-point"));
              }
            });
    // every port a Service exposes is admitted by some policy for its pods (else it would be dead)
    for (Service s : o.all(Service.class)) {
      for (ServicePort port : s.getSpec().getPorts()) {
        boolean admitted =
            policies.stream()
                .filter(
                    p ->
                        s.getSpec().getSelector().entrySet().stream()
                            .allMatch(
                                e ->
                                    e.getValue()
                                        .equals(
                                            p.getSpec().getPodSelector().getMatchLabels() == null
                                                ? null
                                                : p.getSpec()
                                                    .getPodSelector()
                                                    .getMatchLabels()
                                                    .get(e.getKey()))))
                .flatMap(p -> p.getSpec().getIngress().stream())
                .flatMap(r -> r.getPorts().stream())
                .anyMatch(p -> port.getTargetPort().getStrVal().equals(p.getPort().getStrVal()));
        assertThat(admitted)
            .as("Service " + s.getMetadata().getName() + " port " + port.getName())
            .isTrue();
      }
    }
    // the explorer is reachable only from labelled API clients
    assertThat(policies.stream().map(p -> p.getMetadata().getName())).contains("explorer-ingress");
    assertThat(o.all(PodDisruptionBudget.class).stream().map(p -> p.getMetadata().getName()))
        .contains("ap", "gateway");
    assertThat(o.ofKind("ServiceMonitor")).hasSize(1);
  }

  @Test
  void imageDefinitionsArePinnedAndRunAsNonRoot() throws IOException {
    for (String file :
        List.of(
            "access-point/src/main/docker/Dockerfile.jvm",
            "gateway-twin/src/main/docker/Dockerfile.jvm",
            "explorer/src/main/docker/Dockerfile.jvm",
            "deploy/src/main/docker/Dockerfile.node")) {
      List<String> lines = Files.readAllLines(ROOT.resolve(file));
      String from = lines.stream().filter(l -> l.startsWith("FROM ")).findFirst().orElseThrow();
      assertThat(from).as(file).matches("FROM [^ ]+(:[0-9][^ ]*|@sha256:[0-9a-f]{64})");
      String user =
          lines.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b).orElseThrow();
      assertThat(user).as(file).isNotIn("USER root", "USER 0");
    }
  }

  static int port(Container c, String name) {
    return c.getPorts().stream()
        .filter(p -> name.equals(p.getName()))
        .findFirst()
        .orElseThrow(() -> new AssertionError(c.getName() + " has no port " + name))
        .getContainerPort();
  }

  private static PodTemplateSpec selected(RenderedOverlay o, Map<String, String> selector) {
    return o.podTemplates().values().stream()
        .filter(
            t ->
                selector.entrySet().stream()
                    .allMatch(
                        e -> e.getValue().equals(t.getMetadata().getLabels().get(e.getKey()))))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no workload matches selector " + selector));
  }

  /** The Secret whose volume holds {@code path} in the workload's container, or "". */
  static String secretMountedAt(StatefulSet s, String path) {
    Volume v = volumeAt(s, path);
    return v.getSecret() != null ? v.getSecret().getSecretName() : "";
  }

  /** The ConfigMap whose volume holds {@code path} in the workload's container, or "". */
  private static String mountedFrom(StatefulSet s, String path) {
    Volume v = volumeAt(s, path);
    return v.getConfigMap() != null ? v.getConfigMap().getName() : "";
  }

  static Volume volumeAt(StatefulSet s, String path) {
    PodSpec pod = s.getSpec().getTemplate().getSpec();
    return volumeAt(pod, pod.getContainers().getFirst(), path);
  }

  /** The volume of {@code pod} that holds {@code path} in container {@code c}. */
  static Volume volumeAt(PodSpec pod, Container c, String path) {
    var mount =
        c.getVolumeMounts().stream()
            .filter(m -> path.startsWith(m.getMountPath() + "/"))
            .findFirst()
            .orElseThrow(() -> new AssertionError(path + " is on no mounted volume"));
    return pod.getVolumes().stream()
        .filter(vol -> vol.getName().equals(mount.getName()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no volume " + mount.getName()));
  }
}
