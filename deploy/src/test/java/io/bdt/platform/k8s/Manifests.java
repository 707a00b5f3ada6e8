package io.bdt.platform.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Kubernetes overlays in {@code deploy/k8s} rendered with {@code kubectl kustomize} and read
 * the way the manifest tests check them: a workload's container, its ports and the volume (Secret
 * or ConfigMap) behind a path, the Secrets {@code new-network.sh} creates, Mosquitto's listeners.
 */
final class Manifests {
  private Manifests() {}

  static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

  static final Path K8S = ROOT.resolve("deploy/k8s");

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

  static int port(Container c, String name) {
    return c.getPorts().stream()
        .filter(p -> name.equals(p.getName()))
        .findFirst()
        .orElseThrow(() -> new AssertionError(c.getName() + " has no port " + name))
        .getContainerPort();
  }

  static PodTemplateSpec selected(RenderedOverlay o, Map<String, String> selector) {
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
  static String mountedFrom(StatefulSet s, String path) {
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

  /** The rendered {@code mosquitto.conf} of the {@code mosquitto-config} ConfigMap. */
  static String mosquittoConf(RenderedOverlay o) {
    return o.all(ConfigMap.class).stream()
        .filter(m -> m.getMetadata().getName().startsWith("mosquitto-config"))
        .findFirst()
        .orElseThrow()
        .getData()
        .get("mosquitto.conf");
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
}
