package io.bdt.dnn.zoo;

import io.bdt.dnn.onnx.proto.Onnx.ModelProto;

/**
 * One model of the zoo: a name, and a deterministic builder (fixed seed, so every build is the same
 * file).
 *
 * <p>Other packages add models by implementing this interface and listing the class in {@code
 * META-INF/services/io.bdt.dnn.zoo.ZooModel}; {@link ModelZoo} finds them with {@link
 * java.util.ServiceLoader}. Implementations need a public no-argument constructor.
 */
public interface ZooModel {

  /** File stem and command-line name, e.g. {@code resnet18}. */
  String name();

  /** One line on what the model is. */
  String description();

  /** Builds the model; the same call always returns the same weights. */
  ModelProto build();
}
