package io.bdt.platform.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The prod overlay's pods as {@code ./bdt platform --hosts netns} starts them. */
@Timeout(120)
class OverlayPodsTest {
  static final Path PROD =
      Path.of(System.getProperty("user.dir")).getParent().resolve("deploy/k8s/overlays/prod");

  static OverlayPods prod;

  @TempDir Path dir;

  @BeforeAll
  static void render() throws Exception {
    assumeTrue(
        Stream.of(System.getenv("PATH").split(":"))
            .anyMatch(d -> Files.isExecutable(Path.of(d, "kubectl"))),
        "kubectl (with Kustomize) renders the overlay");
    prod = OverlayPods.render(PROD);
  }

  @Test
  void countsTheStatefulSetsReplicas() {
    assertThat(prod.replicas("ap")).isEqualTo(3);
    assertThat(prod.replicas("gateway")).isEqualTo(2);
  }

  /** The gateway-profiles Secret's entry as {@code ProdNetwork} writes it. */
  private Path withProfileSecret(String secret) throws Exception {
    Path files = dir.resolve("files");
    Files.createDirectories(files.resolve("gateway-profiles"));
    Files.writeString(files.resolve("gateway-profiles/vibration-sensor.secret"), secret);
    return files;
  }

  @Test
  void gatewayPodGetsItsNameItsSecretFilesAndTheReplacedContracts() throws Exception {
    Path files = withProfileSecret("profile-secret");
    Map<String, String> env =
        prod.environment(
            "gateway",
            "gateway-1",
            files,
            dir.resolve("pods"),
            Map.of(
                "bdt-contracts",
                Map.of(
                    "chain-id", "77",
                    "reputation-ledger", "0xledger",
                    "twin-anchor", "0xanchor",
                    "device-registry", "0xregistry")));
    assertThat(env)
        .containsEntry("BDT_GATEWAY_ID", "gateway-1")
        .containsEntry(
            "BDT_GATEWAY_INFERENCE_SIGNING_KEY_FILE",
            files.resolve("gateway-keys/gateway-1.key").toString())
        .containsEntry(
            "BDT_GATEWAY_MQTT_PASSWORD_FILE",
            files.resolve("gateway-keys/gateway-1.mqtt-password").toString())
        .containsEntry(
            "BDT_GATEWAY_MQTT_ADMIN_PASSWORD_FILE",
            files.resolve("mosquitto-admin/password").toString())
        .containsEntry("BDT_GATEWAY_PROFILES_VIBRATION_SENSOR_SECRET", "profile-secret")
        .containsEntry("BDT_GATEWAY_INFERENCE_CHAIN_ID", "77")
        .containsEntry("BDT_GATEWAY_CHAIN_ANCHOR_ADDRESS", "0xanchor")
        .containsEntry("BDT_GATEWAY_MQTT_URL", "ssl://mosquitto:8883")
        .containsEntry(
            "BDT_GATEWAY_DATA_DIR", dir.resolve("pods/gateway-1/journal/gateway").toString());
    assertThat(dir.resolve("pods/gateway-1/journal")).isDirectory();
  }

  @Test
  void withoutAReplacementAConfigMapKeyRefReadsTheRenderedConfigMap() throws Exception {
    Map<String, String> env =
        prod.environment(
            "gateway", "gateway-0", withProfileSecret("s"), dir.resolve("pods"), Map.of());
    assertThat(env.get("BDT_GATEWAY_INFERENCE_LEDGER_ADDRESS"))
        .isEqualTo(prod.configMapEntry("bdt-contracts", "reputation-ledger"))
        .startsWith("0x");
  }

  @Test
  void aSecretKeyRefWhoseSecretFileIsMissingIsNamed() {
    assertThatThrownBy(
            () ->
                prod.environment(
                    "gateway", "gateway-0", dir.resolve("files"), dir.resolve("pods"), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("BDT_GATEWAY_PROFILES_VIBRATION_SENSOR_SECRET")
        .hasMessageContaining("gateway-profiles/vibration-sensor.secret");
  }

  @Test
  void apPodAdvertisesItsDnsNameAndReadsItsOwnKey() throws Exception {
    Path files = dir.resolve("files");
    Map<String, String> env = prod.environment("ap", "ap-2", files, dir.resolve("pods"), Map.of());
    assertThat(env)
        .containsEntry("BDT_AP_CHAIN_ADVERTISED_HOST", "ap-2.ap")
        .containsEntry("BDT_AP_KEY_FILE", files.resolve("ap-keys/ap-2.key").toString())
        .containsEntry(
            "BDT_AP_CHAIN_GENESIS", files.resolve("bdt-genesis/genesis.json").toString());
  }

  @Test
  void mosquittoRunsTheOverlaysCommandOnItsConfigMap() throws Exception {
    assertThat(prod.command("mosquitto"))
        .containsExactly("mosquitto", "-c", "/mosquitto/config/mosquitto.conf");
    assertThat(prod.configMapEntry("mosquitto-config", "mosquitto.conf"))
        .contains("plugin_opt_config_file /mosquitto/data/dynamic-security.json");
    assertThat(prod.mounts("mosquitto", "mosquitto-0", dir.resolve("files"), dir.resolve("pods")))
        .containsEntry("/mosquitto/config", dir.resolve("files/mosquitto-config"))
        .containsEntry("/mosquitto/data", dir.resolve("pods/mosquitto-0/data"));
  }

  @Test
  void namesTheMissingWorkload() {
    assertThatThrownBy(() -> prod.replicas("kafka"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("prod renders no StatefulSet kafka");
  }
}
