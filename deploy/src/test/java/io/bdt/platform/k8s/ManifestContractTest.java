package io.bdt.platform.k8s;

import static io.bdt.platform.k8s.Manifests.ROOT;
import static io.bdt.platform.k8s.Manifests.container;
import static io.bdt.platform.k8s.Manifests.mountedFrom;
import static io.bdt.platform.k8s.Manifests.port;
import static io.bdt.platform.k8s.Manifests.render;
import static io.bdt.platform.k8s.Manifests.selected;
import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Kubernetes manifests in {@code deploy/k8s} agree with the services they deploy: each overlay
 * renders, every environment variable it sets is a key the service reads and every key a service
 * cannot start without is set, ports and probe paths match, the genesis parses and lists one miner
 * per AP replica, pods run as non-root with read-only root filesystems and limits, and the network
 * policies admit exactly the intended flows (secrets: {@link ManifestSecretsTest}; Mosquitto:
 * {@link MosquittoManifestTest}). No cluster needed: {@code kubectl kustomize} renders.
 */
@Timeout(120)
class ManifestContractTest {
  @BeforeAll
  static void kubectlIsHere() {
    Manifests.kubectlIsHere();
  }

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
    // the explorer audits twins against every gateway pod's anchor proofs, by its DNS name
    StatefulSet gateway = o.statefulSet("gateway");
    List<String> audited = new ArrayList<>();
    for (int n = 0; n < gateway.getSpec().getReplicas(); n++) {
      audited.add(
          "https://gateway-"
              + n
              + "."
              + gateway.getSpec().getServiceName()
              + ":"
              + gwEnv.get("QUARKUS_HTTP_PORT"));
    }
    assertThat(explorerEnv.get("BDT_EXPLORER_GATEWAYS").split(","))
        .containsExactlyElementsOf(audited);
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
    // the gateways' chain nodes, in the order they fail over: every AP's JSON-RPC (one AP down
    // must not blind a gateway's chain view)
    List<URI> nodes =
        Stream.of(gwEnv.get("BDT_GATEWAY_CHAIN_RPC_URL").split(",")).map(URI::create).toList();
    assertThat(nodes.stream().map(URI::getHost).toList())
        .containsExactlyInAnyOrderElementsOf(apHosts);
    assertThat(nodes)
        .allSatisfy(u -> assertThat(u.getPort()).isEqualTo(port(container(o, "ap"), "rpc")));
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
}
