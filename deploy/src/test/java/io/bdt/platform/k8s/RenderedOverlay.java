package io.bdt.platform.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** A Kustomize overlay rendered by {@code kubectl kustomize} and parsed into Kubernetes objects. */
record RenderedOverlay(String name, List<HasMetadata> objects) {

  /** Renders {@code overlayDir}; fails with kubectl's message when Kustomize rejects it. */
  static RenderedOverlay render(Path overlayDir) throws IOException, InterruptedException {
    Process kubectl =
        new ProcessBuilder("kubectl", "kustomize", overlayDir.toString())
            .redirectErrorStream(false)
            .start();
    byte[] out = kubectl.getInputStream().readAllBytes();
    byte[] err = kubectl.getErrorStream().readAllBytes();
    if (!kubectl.waitFor(60, TimeUnit.SECONDS) || kubectl.exitValue() != 0) {
      throw new AssertionError(
          "kubectl kustomize "
              + overlayDir
              + " failed: "
              + new String(err, StandardCharsets.UTF_8));
    }
    KubernetesSerialization serialization = new KubernetesSerialization();
    List<HasMetadata> objects = new ArrayList<>();
    for (String doc : new String(out, StandardCharsets.UTF_8).split("(?m)^---\\s*$")) {
      if (!doc.isBlank()) {
        objects.add(serialization.unmarshal(doc));
      }
    }
    return new RenderedOverlay(overlayDir.getFileName().toString(), List.copyOf(objects));
  }

  <T extends HasMetadata> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  <T extends HasMetadata> Optional<T> find(Class<T> type, String objectName) {
    return all(type).stream().filter(o -> o.getMetadata().getName().equals(objectName)).findFirst();
  }

  List<HasMetadata> ofKind(String kind) {
    return objects.stream().filter(o -> o.getKind().equals(kind)).toList();
  }

  StatefulSet statefulSet(String objectName) {
    return find(StatefulSet.class, objectName)
        .orElseThrow(() -> new AssertionError(name + " renders no StatefulSet " + objectName));
  }

  Service service(String objectName) {
    return find(Service.class, objectName)
        .orElseThrow(() -> new AssertionError(name + " renders no Service " + objectName));
  }

  /** Every pod template of the overlay's workloads, by workload name. */
  Map<String, PodTemplateSpec> podTemplates() {
    Map<String, PodTemplateSpec> templates = new LinkedHashMap<>();
    for (StatefulSet s : all(StatefulSet.class)) {
      templates.put(s.getMetadata().getName(), s.getSpec().getTemplate());
    }
    for (var d : all(io.fabric8.kubernetes.api.model.apps.Deployment.class)) {
      templates.put(d.getMetadata().getName(), d.getSpec().getTemplate());
    }
    for (var j : all(io.fabric8.kubernetes.api.model.batch.v1.Job.class)) {
      templates.put(j.getMetadata().getName(), j.getSpec().getTemplate());
    }
    return templates;
  }

  /**
   * The environment a container starts with: its ConfigMaps' entries ({@code envFrom}) overlaid by
   * its own {@code env} (values from Secrets or the downward API appear as {@code <from:...>}).
   */
  Map<String, String> environment(Container container) {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvFromSource from : container.getEnvFrom()) {
      if (from.getConfigMapRef() != null) {
        String ref = from.getConfigMapRef().getName();
        ConfigMap map =
            find(ConfigMap.class, ref)
                .orElseThrow(
                    () -> new AssertionError(name + ": envFrom names missing ConfigMap " + ref));
        env.putAll(map.getData());
      }
    }
    for (EnvVar v : container.getEnv()) {
      env.put(v.getName(), v.getValue() != null ? v.getValue() : "<from:" + v.getValueFrom() + ">");
    }
    return env;
  }
}
