package io.bdt.platform.k8s;

import static io.bdt.platform.k8s.Manifests.K8S;
import static io.bdt.platform.k8s.Manifests.container;
import static io.bdt.platform.k8s.Manifests.render;
import static io.bdt.platform.k8s.Manifests.secretMountedAt;
import static io.bdt.platform.k8s.Manifests.secretsNewNetworkCreates;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Volume;
import java.net.URI;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Kubernetes manifests give each service its secrets as files from the right Secret: the JWT
 * verification key, the TLS certificate and CA, each pod's own key file, the provisioning profile;
 * and every ConfigMap and Secret a pod names exists or is one that {@code new-network.sh} creates.
 * No cluster needed: {@code kubectl kustomize} renders.
 */
@Timeout(120)
class ManifestSecretsTest {
  @BeforeAll
  static void kubectlIsHere() {
    Manifests.kubectlIsHere();
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
}
