package io.bdt.dnn.zoo;

import io.bdt.dnn.onnx.OnnxModels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The registry of zoo models: the four CNNs built here plus any {@link ZooModel} registered as a
 * service by another package.
 */
public final class ModelZoo {

  private ModelZoo() {}

  /** The CNNs with torchvision's layer shapes at 1x3x224x224. */
  public static List<ZooModel> cnns() {
    return List.of(new AlexNet(), new Vgg16(), new ResNet18(), new MobileNetV2());
  }

  /** Every zoo model: the CNNs, then the service-registered ones in class-path order. */
  public static List<ZooModel> all() {
    List<ZooModel> models = new ArrayList<>(cnns());
    for (ZooModel extra : ServiceLoader.load(ZooModel.class)) {
      if (models.stream().noneMatch(m -> m.name().equals(extra.name()))) {
        models.add(extra);
      }
    }
    return List.copyOf(models);
  }

  /** The zoo model called {@code name}, or an error listing the names. */
  public static ZooModel named(String name) {
    return all().stream()
        .filter(m -> m.name().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no zoo model named "
                        + name
                        + "; the zoo has "
                        + all().stream().map(ZooModel::name).toList()));
  }

  /** Builds {@code model} and writes it to {@code dir/<name>.onnx}; returns the file. */
  public static Path write(ZooModel model, Path dir) throws IOException {
    Path file = dir.resolve(model.name() + ".onnx");
    OnnxModels.write(model.build(), file);
    return file;
  }
}
