package io.bdt.dnn.registry;

import io.bdt.dnn.codec.ModelHash;
import io.bdt.dnn.onnx.OnnxModels;
import io.bdt.dnn.onnx.proto.Onnx.ModelProto;
import io.bdt.dnn.registry.ModelRefused.Reason;
import io.bdt.dnn.zoo.ModelZoo;
import io.bdt.dnn.zoo.ZooModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The models a service serves, each named by its {@link ModelHash}: zoo models (built on demand,
 * deterministic) and ONNX files. Registration reads each model once to hash it; {@link #load} reads
 * it again when it is needed and checks that it still has that hash, so a file that changed is
 * refused rather than served with other weights.
 */
public final class ModelRegistry {

  /** A registered model: its identity, its name (the graph's) and where it comes from. */
  public record Entry(ModelHash hash, String name, String source) {}

  private record Registered(Entry entry, Optional<ZooModel> zoo, Optional<Path> file) {}

  private final Map<ModelHash, Registered> models;

  private ModelRegistry(Map<ModelHash, Registered> models) {
    this.models = models;
  }

  /**
   * Registers every model {@code entries} names: a zoo model's name, an ONNX file, or a directory
   * (every {@code *.onnx} file in it, not its subdirectories).
   *
   * @throws IllegalArgumentException naming the entry that is none of these or cannot be read
   */
  public static ModelRegistry of(List<String> entries) {
    Map<ModelHash, Registered> models = new LinkedHashMap<>();
    for (String entry : entries) {
      String name = entry.strip();
      if (name.isEmpty()) {
        continue;
      }
      Path path = Path.of(name);
      if (Files.isDirectory(path)) {
        try (Stream<Path> files = Files.list(path)) {
          for (Path f : files.filter(p -> p.toString().endsWith(".onnx")).sorted().toList()) {
            add(models, file(f));
          }
        } catch (IOException e) {
          throw new UncheckedIOException("model registry: cannot list " + path, e);
        }
      } else if (name.endsWith(".onnx") || Files.isRegularFile(path)) {
        add(models, file(path));
      } else {
        ZooModel zoo;
        try {
          zoo = ModelZoo.named(name);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "model registry: '" + name + "' is no zoo model, ONNX file or directory", e);
        }
        ModelProto model = zoo.build();
        add(
            models,
            new Registered(
                new Entry(ModelHash.of(model), zoo.name(), "zoo:" + zoo.name()),
                Optional.of(zoo),
                Optional.empty()));
      }
    }
    return new ModelRegistry(models);
  }

  private static Registered file(Path file) {
    ModelProto model = OnnxModels.read(file);
    return new Registered(
        new Entry(ModelHash.of(model), model.getGraph().getName(), file.toString()),
        Optional.empty(),
        Optional.of(file));
  }

  private static void add(Map<ModelHash, Registered> models, Registered r) {
    models.putIfAbsent(r.entry().hash(), r); // the same bytes twice are one model
  }

  /** Every registered model, in registration order. */
  public List<Entry> entries() {
    return models.values().stream().map(Registered::entry).toList();
  }

  /** The first registered model called {@code name}, if any. */
  public Optional<Entry> named(String name) {
    return entries().stream().filter(e -> e.name().equals(name)).findFirst();
  }

  /**
   * The registered model with {@code hash}.
   *
   * @param name the name the caller gave the model, for the message
   * @throws ModelRefused {@code MODEL_MISMATCH} when only a model of that name is registered (its
   *     hashes named), else {@code UNKNOWN_MODEL}
   */
  public Entry resolve(String name, ModelHash hash) throws ModelRefused {
    Registered r = models.get(hash);
    if (r != null) {
      return r.entry();
    }
    List<String> sameName = new ArrayList<>();
    for (Registered m : models.values()) {
      if (m.entry().name().equals(name)) {
        sameName.add(m.entry().hash().shortHex());
      }
    }
    if (!sameName.isEmpty()) {
      throw new ModelRefused(
          Reason.MODEL_MISMATCH,
          "model: '"
              + name
              + "' "
              + hash
              + " is not registered; registered are '"
              + name
              + "' as sha256:"
              + String.join(", sha256:", sameName)
              + " (other weights or training seed)");
    }
    throw new ModelRefused(
        Reason.UNKNOWN_MODEL,
        "model: unknown model '"
            + name
            + "' "
            + hash
            + " (the AP serves "
            + entries().stream().map(e -> e.name() + " " + e.hash().shortHex()).toList()
            + ")");
  }

  /**
   * Builds or reads the model with {@code hash} and checks its bytes still have that hash.
   *
   * @throws ModelRefused {@code UNKNOWN_MODEL} for a hash not registered, {@code MODEL_MISMATCH}
   *     when the model's file changed since it was registered
   */
  public ModelProto load(ModelHash hash) throws ModelRefused {
    Registered r = models.get(hash);
    if (r == null) {
      throw new ModelRefused(Reason.UNKNOWN_MODEL, "model: " + hash + " is not registered");
    }
    ModelProto model =
        r.zoo().map(ZooModel::build).orElseGet(() -> OnnxModels.read(r.file().get()));
    ModelHash now = ModelHash.of(model);
    if (!now.equals(hash)) {
      throw new ModelRefused(
          Reason.MODEL_MISMATCH,
          "model: "
              + r.entry().source()
              + " was registered as "
              + hash
              + " but now has "
              + now
              + " (changed since the AP started)");
    }
    return model;
  }
}
