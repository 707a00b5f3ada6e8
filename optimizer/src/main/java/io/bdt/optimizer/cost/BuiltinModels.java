package io.bdt.optimizer.cost;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The built-in cost tables: AlexNet, VGG-16, ResNet-18 and MobileNetV2 (torchvision's layer shapes,
 * one 3x224x224 image per sample) and the platform's vibration-fault classifier.
 *
 * <p>The networks are defined once, as the dnn module's model zoo (ONNX graphs); these tables are
 * derived from the zoo's graph analysis ({@code ./bdt dnn zoo-tables}, stage cuts: one per layer,
 * one per residual or inverted-residual block) and read from this module's resources ({@code
 * io/bdt/optimizer/cost/zoo/<name>.json}). The dnn module's {@code ZooCostTablesTest} fails when a
 * resource is not what the zoo gives.
 *
 * <p>Names are torchvision's builder names ({@code mobilenet_v2}); the zoo writes the same network
 * as {@code mobilenetv2}, which is accepted here as an alias of it.
 */
public final class BuiltinModels {

  private static final List<String> NAMES =
      List.of("alexnet", "vgg16", "resnet18", "mobilenet_v2", "vibration");

  private static final Map<String, CostTable> TABLES = new ConcurrentHashMap<>();

  /** Other spellings of built-in names: the {@code dnn} zoo's ONNX model names. */
  private static final Map<String, String> ALIASES = Map.of("mobilenetv2", "mobilenet_v2");

  private BuiltinModels() {}

  /** Names of the built-in models, in a fixed order. */
  public static Set<String> names() {
    return new LinkedHashSet<>(NAMES);
  }

  /** Whether {@code name} is a built-in model or an alias of one. */
  public static boolean contains(String name) {
    return NAMES.contains(canonical(name));
  }

  /** The built-in name {@code name} stands for: itself, or the model an alias names. */
  public static String canonical(String name) {
    return ALIASES.getOrDefault(name, name);
  }

  /** The resource holding built-in model {@code name}'s table. */
  public static String resource(String name) {
    return "zoo/" + canonical(name) + ".json";
  }

  /**
   * The cost table of built-in model {@code name} (or of the model an alias names), read from its
   * resource once and shared.
   */
  public static CostTable get(String name) {
    String canonical = canonical(name);
    if (!NAMES.contains(canonical)) {
      throw new IllegalArgumentException(
          "model: unknown built-in model '"
              + name
              + "' (built-in: "
              + String.join(", ", NAMES)
              + ")");
    }
    return TABLES.computeIfAbsent(canonical, BuiltinModels::load);
  }

  private static CostTable load(String name) {
    String resource = resource(name);
    try (InputStream in = BuiltinModels.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("built-in cost table resource missing: " + resource);
      }
      return CostTableJson.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), resource);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read built-in cost table " + resource, e);
    }
  }
}
