package io.bdt.platform.k8s;

import static io.bdt.platform.k8s.Manifests.container;
import static io.bdt.platform.k8s.Manifests.port;
import static io.bdt.platform.k8s.Manifests.render;
import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.cli.Bdt;
import io.bdt.consensus.chain.ChainSpec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * The contracts Job deploys the network's contracts through AP 0's JSON-RPC with the keys of the
 * {@code bdt-deployer} Secret, at the addresses of the {@code bdt-contracts} ConfigMap, which the
 * genesis and the gateways name too; the gateways start only once the contracts are there.
 */
@Timeout(120)
class ContractsJobManifestTest {

  @BeforeAll
  static void kubectlIsHere() {
    Manifests.kubectlIsHere();
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void theJobRunsContractsDeployAgainstApZeroWithItsFilesMounted(String overlay) throws Exception {
    RenderedOverlay o = render(overlay);
    Job job = o.find(Job.class, "contracts").orElseThrow();
    PodSpec pod = job.getSpec().getTemplate().getSpec();
    assertThat(pod.getRestartPolicy()).isEqualTo("OnFailure");
    Container c = pod.getContainers().getFirst();
    Map<String, String> options = options(c, "deploy");
    URI rpc = URI.create(options.get("--rpc"));
    assertThat(rpc.getHost()).isEqualTo("ap-0.ap");
    assertThat(rpc.getPort()).isEqualTo(port(container(o, "ap"), "rpc"));
    assertThat(source(pod, c, options.get("--genesis"))).startsWith("configMap:bdt-genesis");
    assertThat(source(pod, c, options.get("--contracts") + "/x"))
        .startsWith("configMap:bdt-contracts");
    assertThat(source(pod, c, options.get("--keys") + "/deployer.key"))
        .isEqualTo("secret:bdt-deployer");
    Volume keys = Manifests.volumeAt(pod, c, options.get("--keys") + "/deployer.key");
    assertThat(keys.getSecret().getDefaultMode()).as("keys owner-only").isEqualTo(0400);
    assertThat(Manifests.secretsNewNetworkCreates()).contains("bdt-deployer");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void gatewaysReadTheChainAndContractsFromTheConfigMapThatMatchesTheGenesis(String overlay)
      throws Exception {
    RenderedOverlay o = render(overlay);
    ConfigMap contracts = configMap(o, "bdt-contracts");
    Map<String, String> planned = contracts.getData();
    ChainSpec genesis = genesis(o);
    assertThat(planned.get("chain-id")).isEqualTo(Long.toString(genesis.chainId()));
    assertThat(planned.get("reputation-ledger")).isEqualToIgnoringCase(genesis.reputationLedger());
    assertThat(planned.get("gateways").split(","))
        .as("one approved gateway per gateway replica")
        .hasSize(o.statefulSet("gateway").getSpec().getReplicas());
    Map<String, String> keyOf =
        Map.of(
            "BDT_GATEWAY_INFERENCE_CHAIN_ID", "chain-id",
            "BDT_GATEWAY_INFERENCE_LEDGER_ADDRESS", "reputation-ledger",
            "BDT_GATEWAY_CHAIN_ANCHOR_ADDRESS", "twin-anchor",
            "BDT_GATEWAY_CHAIN_REGISTRY_ADDRESS", "device-registry");
    Map<String, EnvVar> env = new HashMap<>();
    container(o, "gateway").getEnv().forEach(v -> env.put(v.getName(), v));
    for (var e : keyOf.entrySet()) {
      var ref = env.get(e.getKey()).getValueFrom().getConfigMapKeyRef();
      assertThat(ref.getName()).as(e.getKey()).isEqualTo(contracts.getMetadata().getName());
      assertThat(ref.getKey()).as(e.getKey()).isEqualTo(e.getValue());
      assertThat(planned.get(e.getValue())).as(e.getValue()).isNotBlank();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void gatewaysWaitForTheContractsTheJobDeploys(String overlay) throws Exception {
    RenderedOverlay o = render(overlay);
    PodSpec pod = o.statefulSet("gateway").getSpec().getTemplate().getSpec();
    Container init = pod.getInitContainers().getFirst();
    Map<String, String> awaited = options(init, "await");
    Container job =
        o.find(Job.class, "contracts")
            .orElseThrow()
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .getFirst();
    assertThat(awaited.get("--rpc")).isEqualTo(options(job, "deploy").get("--rpc"));
    assertThat(source(pod, init, awaited.get("--contracts") + "/x"))
        .startsWith("configMap:bdt-contracts");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void theJobMayReachTheApsJsonRpc(String overlay) throws Exception {
    RenderedOverlay o = render(overlay);
    NetworkPolicy ap = o.find(NetworkPolicy.class, "access-point-ingress").orElseThrow();
    boolean admitted =
        ap.getSpec().getIngress().stream()
            .filter(r -> r.getPorts().stream().anyMatch(p -> "rpc".equals(p.getPort().getStrVal())))
            .flatMap(r -> r.getFrom().stream())
            .anyMatch(
                peer ->
                    peer.getPodSelector() != null
                        && "contracts"
                            .equals(
                                peer.getPodSelector()
                                    .getMatchLabels()
                                    .get("app.kubernetes.io/name")));
    assertThat(admitted).isTrue();
    assertThat(
            o.find(Job.class, "contracts")
                .orElseThrow()
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getLabels())
        .containsEntry("app.kubernetes.io/name", "contracts");
  }

  /**
   * The options a container passes to {@code bdt contracts SUBCOMMAND}, parsed by the command
   * itself: an option it does not know fails here.
   */
  private static Map<String, String> options(Container c, String subcommand) {
    assertThat(c.getCommand()).endsWith("-jar", "/deployments/bdt.jar");
    List<String> args = c.getArgs();
    assertThat(args.subList(0, 2)).containsExactly("contracts", subcommand);
    List<CommandLine> parsed =
        Bdt.commandLine().parseArgs(args.toArray(String[]::new)).asCommandLineList();
    Map<String, String> options = new HashMap<>();
    for (var option : parsed.getLast().getParseResult().matchedOptions()) {
      options.put(option.longestName(), option.getValue().toString());
    }
    return options;
  }

  private static ConfigMap configMap(RenderedOverlay o, String prefix) {
    return o.all(ConfigMap.class).stream()
        .filter(m -> m.getMetadata().getName().startsWith(prefix + "-"))
        .findFirst()
        .orElseThrow(() -> new AssertionError(o.name() + " renders no ConfigMap " + prefix));
  }

  private static ChainSpec genesis(RenderedOverlay o) throws Exception {
    Path file = Files.createTempFile("genesis", ".json");
    try {
      Files.writeString(file, configMap(o, "bdt-genesis").getData().get("genesis.json"));
      return ChainSpec.read(file);
    } finally {
      Files.delete(file);
    }
  }

  /** {@code configMap:NAME} or {@code secret:NAME} of the volume that holds {@code path}. */
  private static String source(PodSpec pod, Container c, String path) {
    Volume v = Manifests.volumeAt(pod, c, path);
    return v.getConfigMap() != null
        ? "configMap:" + v.getConfigMap().getName()
        : v.getSecret() != null
            ? "secret:" + v.getSecret().getSecretName()
            : "other:" + v.getName();
  }
}
