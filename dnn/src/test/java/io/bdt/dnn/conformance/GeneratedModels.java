package io.bdt.dnn.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The models a generator script in {@code src/test/python} writes (with its {@code manifest.json}),
 * cached in {@code ~/.cache/bdt-dnn} under the script's hash, so a changed script regenerates them.
 * Shared by the tests and the benchmarks (which run from the repository root).
 */
public final class GeneratedModels {

  /** Where fetched and generated models are kept between runs. */
  public static final Path CACHE = Path.of(System.getProperty("user.home"), ".cache", "bdt-dnn");

  private GeneratedModels() {}

  /**
   * The directory of {@code script}'s models, named {@code prefix-<script hash>}: generated first
   * (installing the Python {@code packages} with pip when missing) unless already cached.
   */
  public static Path of(String script, String prefix, List<String> packages, long timeoutSeconds)
      throws Exception {
    byte[] source = Files.readAllBytes(PythonFixture.scripts().resolve(script));
    String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(source));
    Path dir = CACHE.resolve(prefix + "-" + hash.substring(0, 12));
    if (!Files.exists(dir.resolve("manifest.json"))) {
      PythonFixture.require(packages, packages);
      PythonFixture.script(script, timeoutSeconds, dir.toString());
    }
    return dir;
  }

  /** The entries of {@code dir}'s manifest: file, model, exporter, opset, inputs. */
  public static JsonNode manifest(Path dir) throws Exception {
    return new ObjectMapper().readTree(dir.resolve("manifest.json").toFile());
  }

  /** A manifest entry's inputs, name to dims. */
  public static Map<String, List<Long>> inputs(JsonNode entry) {
    Map<String, List<Long>> inputs = new LinkedHashMap<>();
    entry
        .get("inputs")
        .properties()
        .forEach(
            e -> {
              List<Long> dims = new ArrayList<>();
              e.getValue().forEach(d -> dims.add(d.asLong()));
              inputs.put(e.getKey(), dims);
            });
    return inputs;
  }

  /** The YOLO-style detector of {@code export_detection.py}: its file, generated when missing. */
  public static Path detector() throws Exception {
    Path dir = of("export_detection.py", "detection", List.of("torch", "onnx"), 900);
    return dir.resolve(manifest(dir).get(0).get("file").asText());
  }
}
