package io.bdt.platform.netns;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Kustomize overlay rendered by {@code kubectl kustomize}, read as the processes of its
 * StatefulSets' pods see it on a plain host: a pod's environment (its ConfigMaps' entries, its own
 * {@code env} with {@code $(VAR)} references, the downward API's pod name, {@code configMapKeyRef}
 * values and {@code secretKeyRef} values (from the Secret's local files) filled in) with every path
 * under a volume mount moved to a local directory: a Secret's or ConfigMap's to {@code files/<its
 * name without Kustomize's hash>}, any other volume's to {@code pods/<pod>/<volume>}.
 */
public final class OverlayPods {
  private static final Pattern REFERENCE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");
  private static final Pattern HASHED = Pattern.compile("(.+)-[a-z0-9]{10}");

  private final String overlay;
  private final List<JsonNode> objects;

  private OverlayPods(String overlay, List<JsonNode> objects) {
    this.overlay = overlay;
    this.objects = objects;
  }

  /** Renders {@code overlayDir}; fails with kubectl's message when Kustomize rejects it. */
  public static OverlayPods render(Path overlayDir) throws IOException {
    Process kubectl = new ProcessBuilder("kubectl", "kustomize", overlayDir.toString()).start();
    byte[] out = kubectl.getInputStream().readAllBytes();
    byte[] err = kubectl.getErrorStream().readAllBytes();
    try {
      if (!kubectl.waitFor(60, TimeUnit.SECONDS) || kubectl.exitValue() != 0) {
        throw new IOException(
            "kubectl kustomize "
                + overlayDir
                + " failed: "
                + new String(err, StandardCharsets.UTF_8).strip());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted rendering " + overlayDir, e);
    }
    List<JsonNode> objects = new ArrayList<>();
    try (JsonParser yaml = new YAMLFactory().createParser(out)) {
      for (JsonToken t = yaml.nextToken(); t != null; t = yaml.nextToken()) {
        JsonNode doc = tree(yaml);
        if (doc.hasNonNull("kind")) {
          objects.add(doc);
        }
      }
    }
    return new OverlayPods(overlayDir.getFileName().toString(), List.copyOf(objects));
  }

  /**
   * The value at the parser's current token, every scalar as its text: Kubernetes reads ConfigMap
   * data and env values as strings, where a YAML reader would take {@code 0xC338...} for a number.
   */
  private static JsonNode tree(JsonParser yaml) throws IOException {
    return switch (yaml.currentToken()) {
      case START_OBJECT -> {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        while (yaml.nextToken() == JsonToken.FIELD_NAME) {
          String field = yaml.currentName();
          yaml.nextToken();
          o.set(field, tree(yaml));
        }
        yield o;
      }
      case START_ARRAY -> {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        while (yaml.nextToken() != JsonToken.END_ARRAY) {
          a.add(tree(yaml));
        }
        yield a;
      }
      case VALUE_NULL -> NullNode.instance;
      default -> TextNode.valueOf(yaml.getText());
    };
  }

  /** The replicas of StatefulSet {@code name}. */
  public int replicas(String name) {
    return statefulSet(name).path("spec").path("replicas").asInt(1);
  }

  /** ConfigMap {@code name}'s (Kustomize's hash suffix ignored) entry {@code key}. */
  public String configMapEntry(String name, String key) {
    JsonNode value = configMap(name).path("data").path(key);
    if (!value.isTextual()) { // every scalar is read as text
      throw new IllegalArgumentException(overlay + ": ConfigMap " + name + " has no " + key);
    }
    return value.asText();
  }

  /** The first container's command and arguments in StatefulSet {@code name}'s pod template. */
  public List<String> command(String name) {
    JsonNode c = container(name);
    List<String> command = new ArrayList<>();
    c.path("command").forEach(x -> command.add(x.asText()));
    c.path("args").forEach(x -> command.add(x.asText()));
    return command;
  }

  /**
   * The mount paths of StatefulSet {@code name}'s first container, each with the local directory it
   * stands for (see the class comment), the per-pod ones created.
   */
  public Map<String, Path> mounts(String name, String pod, Path files, Path pods)
      throws IOException {
    JsonNode spec = statefulSet(name).path("spec").path("template").path("spec");
    Map<String, Path> mounts = new LinkedHashMap<>();
    for (JsonNode m : container(name).path("volumeMounts")) {
      String volume = m.path("name").asText();
      JsonNode v = null;
      for (JsonNode x : spec.path("volumes")) {
        if (x.path("name").asText().equals(volume)) {
          v = x;
        }
      }
      Path local;
      if (v != null && v.has("secret")) {
        local = files.resolve(v.path("secret").path("secretName").asText());
      } else if (v != null && v.has("configMap")) {
        local = files.resolve(unhashed(v.path("configMap").path("name").asText()));
      } else {
        local = Files.createDirectories(pods.resolve(pod).resolve(volume));
      }
      mounts.put(m.path("mountPath").asText(), local);
    }
    return mounts;
  }

  /**
   * Pod {@code pod} of StatefulSet {@code name}: its environment with paths mapped as {@link
   * #mounts} says. A {@code secretKeyRef} reads {@code files/<Secret>/<key>}. A {@code
   * configMapKeyRef} reads {@code replaced} when it holds that ConfigMap (by name without hash: a
   * network made here has its own contract addresses), else the rendered one.
   */
  public Map<String, String> environment(
      String name, String pod, Path files, Path pods, Map<String, Map<String, String>> replaced)
      throws IOException {
    JsonNode c = container(name);
    Map<String, String> env = new LinkedHashMap<>();
    for (JsonNode from : c.path("envFrom")) {
      if (from.has("configMapRef")) {
        configMap(from.path("configMapRef").path("name").asText())
            .path("data")
            .properties()
            .forEach(e -> env.put(e.getKey(), e.getValue().asText()));
      }
    }
    for (JsonNode v : c.path("env")) {
      String key = v.path("name").asText();
      JsonNode from = v.path("valueFrom");
      String value;
      if (v.has("value")) {
        value = expand(v.path("value").asText(), env);
      } else if (from.path("fieldRef").path("fieldPath").asText().equals("metadata.name")) {
        value = pod;
      } else if (from.has("configMapKeyRef")) {
        String map = unhashed(from.path("configMapKeyRef").path("name").asText());
        String entry = from.path("configMapKeyRef").path("key").asText();
        value =
            replaced.containsKey(map) ? replaced.get(map).get(entry) : configMapEntry(map, entry);
        if (value == null) {
          throw new IllegalArgumentException(
              key + ": the replacement of " + map + " has no " + entry);
        }
      } else if (from.has("secretKeyRef")) {
        value = secretEntry(files, from.path("secretKeyRef"), name + " " + key);
      } else {
        throw new IllegalArgumentException(
            overlay + ": " + name + " sets " + key + " from " + from + ", which no host here has");
      }
      env.put(key, value);
    }
    Map<String, Path> mounts = mounts(name, pod, files, pods);
    env.replaceAll((k, value) -> local(value, mounts));
    return env;
  }

  /**
   * A {@code secretKeyRef}'s value as the kubelet gives it: the bytes of {@code
   * files/<Secret>/<key>}, unchanged (a trailing newline would be part of the value).
   */
  private String secretEntry(Path files, JsonNode ref, String what) throws IOException {
    Path file = files.resolve(ref.path("name").asText()).resolve(ref.path("key").asText());
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          overlay + ": " + what + " is read from Secret entry " + file + ", which is not there");
    }
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  /** {@code value} with a path under one of {@code mounts} moved to its local directory. */
  public static String local(String value, Map<String, Path> mounts) {
    for (var m : mounts.entrySet()) {
      if (value.equals(m.getKey()) || value.startsWith(m.getKey() + "/")) {
        // mount paths do not nest; the mapped path may lie under another (/tmp)
        return m.getValue() + value.substring(m.getKey().length());
      }
    }
    return value;
  }

  /** Kubernetes' {@code $(VAR)} expansion from the variables defined before. */
  private static String expand(String value, Map<String, String> defined) {
    Matcher m = REFERENCE.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String v = defined.get(m.group(1));
      m.appendReplacement(out, Matcher.quoteReplacement(v != null ? v : m.group()));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String unhashed(String name) {
    Matcher m = HASHED.matcher(name);
    return m.matches() ? m.group(1) : name;
  }

  private JsonNode statefulSet(String name) {
    return find("StatefulSet", name);
  }

  private JsonNode configMap(String name) {
    return find("ConfigMap", unhashed(name));
  }

  private JsonNode container(String name) {
    return statefulSet(name).path("spec").path("template").path("spec").path("containers").path(0);
  }

  private JsonNode find(String kind, String name) {
    for (JsonNode o : objects) {
      String n = o.path("metadata").path("name").asText();
      if (o.path("kind").asText().equals(kind)
          && (n.equals(name) || (kind.equals("ConfigMap") && unhashed(n).equals(name)))) {
        return o;
      }
    }
    throw new IllegalArgumentException(overlay + " renders no " + kind + " " + name);
  }
}
