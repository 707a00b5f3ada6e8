package io.bdt.optimizer.cost;

import static io.bdt.optimizer.cost.layers.Layer.adaptiveAvgPool;
import static io.bdt.optimizer.cost.layers.Layer.batchnorm;
import static io.bdt.optimizer.cost.layers.Layer.conv2d;
import static io.bdt.optimizer.cost.layers.Layer.elementwise;
import static io.bdt.optimizer.cost.layers.Layer.flatten;
import static io.bdt.optimizer.cost.layers.Layer.linear;
import static io.bdt.optimizer.cost.layers.Layer.matmul;
import static io.bdt.optimizer.cost.layers.Layer.maxpool;
import static io.bdt.optimizer.cost.layers.Layer.relu;
import static io.bdt.optimizer.cost.layers.Layer.relu6;
import static io.bdt.optimizer.cost.layers.Layer.residual;
import static io.bdt.optimizer.cost.layers.Layer.sequence;
import static io.bdt.optimizer.cost.layers.Layer.softmax;

import io.bdt.optimizer.cost.layers.Layer;
import io.bdt.optimizer.cost.layers.Network;
import io.bdt.optimizer.cost.layers.TensorShape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The built-in model zoo: layer specs of AlexNet, VGG-16, ResNet-18 and MobileNetV2 (torchvision's
 * exact layer shapes, one 3x224x224 image per sample) and the platform's vibration-fault
 * classifier, whose cost tables are computed from the layer shapes at runtime.
 *
 * <p>Names are torchvision's builder names ({@code mobilenet_v2}); the {@code dnn} module's zoo
 * writes the same network as {@code mobilenetv2}, which is accepted here as an alias of it.
 *
 * <p>Stage labels are torchvision's module paths ({@code features.3}, {@code layer2.0}), so a cut
 * here can be matched to the same node in an exported ONNX graph.
 */
public final class BuiltinModels {

  private static final Map<String, Supplier<Network>> NETWORKS = new LinkedHashMap<>();
  private static final Map<String, CostTable> TABLES = new ConcurrentHashMap<>();

  /** Other spellings of built-in names: the {@code dnn} zoo's ONNX model names. */
  private static final Map<String, String> ALIASES = Map.of("mobilenetv2", "mobilenet_v2");

  static {
    NETWORKS.put("alexnet", BuiltinModels::alexnet);
    NETWORKS.put("vgg16", BuiltinModels::vgg16);
    NETWORKS.put("resnet18", BuiltinModels::resnet18);
    NETWORKS.put("mobilenet_v2", BuiltinModels::mobilenetV2);
    NETWORKS.put("vibration", BuiltinModels::vibration);
  }

  private BuiltinModels() {}

  /** Names of the built-in models, in a fixed order. */
  public static Set<String> names() {
    return Collections.unmodifiableSet(NETWORKS.keySet());
  }

  /** Whether {@code name} is a built-in model or an alias of one. */
  public static boolean contains(String name) {
    return NETWORKS.containsKey(canonical(name));
  }

  /** The built-in name {@code name} stands for: itself, or the model an alias names. */
  public static String canonical(String name) {
    return ALIASES.getOrDefault(name, name);
  }

  /** The layer spec of built-in model {@code name} (or of the model an alias names). */
  public static Network network(String name) {
    Supplier<Network> network = NETWORKS.get(canonical(name));
    if (network == null) {
      throw new IllegalArgumentException(
          "model: unknown built-in model '"
              + name
              + "' (built-in: "
              + String.join(", ", names())
              + ")");
    }
    return network.get();
  }

  /**
   * The cost table of built-in model {@code name} (or of the model an alias names), computed from
   * its layer shapes once and shared.
   */
  public static CostTable get(String name) {
    String canonical = canonical(name);
    CostTable cached = TABLES.get(canonical);
    if (cached != null) {
      return cached;
    }
    CostTable table = network(canonical).costTable();
    TABLES.put(canonical, table);
    return table;
  }

  /**
   * torchvision {@code alexnet}: 5 convolutions, 3 fully connected layers; cut after each layer.
   */
  static Network alexnet() {
    return Network.builder("alexnet", TensorShape.image(3, 224, 224))
        .stage("features.0", conv2d(64, 11, 4, 2))
        .stage("features.1", relu())
        .stage("features.2", maxpool(3, 2, 0))
        .stage("features.3", conv2d(192, 5, 1, 2))
        .stage("features.4", relu())
        .stage("features.5", maxpool(3, 2, 0))
        .stage("features.6", conv2d(384, 3, 1, 1))
        .stage("features.7", relu())
        .stage("features.8", conv2d(256, 3, 1, 1))
        .stage("features.9", relu())
        .stage("features.10", conv2d(256, 3, 1, 1))
        .stage("features.11", relu())
        .stage("features.12", maxpool(3, 2, 0))
        .stage("avgpool", adaptiveAvgPool(6, 6))
        .merge(flatten())
        // classifier.0 and .3 are dropout: identity at inference, no cut of their own.
        .stage("classifier.1", linear(4096))
        .stage("classifier.2", relu())
        .stage("classifier.4", linear(4096))
        .stage("classifier.5", relu())
        .stage("classifier.6", linear(1000))
        .build();
  }

  /** torchvision {@code vgg16} (configuration D, no batch norm); cut after each layer. */
  static Network vgg16() {
    int[] config = {64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0};
    Network.Builder builder = Network.builder("vgg16", TensorShape.image(3, 224, 224));
    int index = 0;
    for (int channels : config) {
      if (channels == 0) {
        builder.stage("features." + index++, maxpool(2, 2, 0));
      } else {
        builder.stage("features." + index++, conv2d(channels, 3, 1, 1));
        builder.stage("features." + index++, relu());
      }
    }
    return builder
        .stage("avgpool", adaptiveAvgPool(7, 7))
        .merge(flatten())
        .stage("classifier.0", linear(4096))
        .stage("classifier.1", relu())
        .stage("classifier.3", linear(4096))
        .stage("classifier.4", relu())
        .stage("classifier.6", linear(1000))
        .build();
  }

  /** torchvision {@code resnet18}: cut after each stem layer and after each basic block. */
  static Network resnet18() {
    Network.Builder builder =
        Network.builder("resnet18", TensorShape.image(3, 224, 224))
            .stage("conv1", conv2d(64, 7, 2, 3, 1, false))
            .stage("bn1", batchnorm())
            .stage("relu", relu())
            .stage("maxpool", maxpool(3, 2, 1));
    int inChannels = 64;
    int[] widths = {64, 128, 256, 512};
    for (int group = 0; group < widths.length; group++) {
      for (int block = 0; block < 2; block++) {
        int planes = widths[group];
        int stride = group > 0 && block == 0 ? 2 : 1;
        boolean downsample = stride != 1 || inChannels != planes;
        builder.stage("layer" + (group + 1) + "." + block, basicBlock(planes, stride, downsample));
        inChannels = planes;
      }
    }
    return builder
        .stage("avgpool", adaptiveAvgPool(1, 1))
        .merge(flatten())
        .stage("fc", linear(1000))
        .build();
  }

  private static Layer basicBlock(int planes, int stride, boolean downsample) {
    List<Layer> body =
        List.of(
            conv2d(planes, 3, stride, 1, 1, false),
            batchnorm(),
            relu(),
            conv2d(planes, 3, 1, 1, 1, false),
            batchnorm());
    List<Layer> shortcut =
        downsample ? List.of(conv2d(planes, 1, stride, 0, 1, false), batchnorm()) : List.of();
    return sequence(residual(body, shortcut), relu());
  }

  /**
   * torchvision {@code mobilenet_v2} (width 1.0): cut after each layer of the first and last
   * convolution and after each inverted-residual block.
   */
  static Network mobilenetV2() {
    Network.Builder builder =
        Network.builder("mobilenet_v2", TensorShape.image(3, 224, 224))
            .stage("features.0.0", conv2d(32, 3, 2, 1, 1, false))
            .stage("features.0.1", batchnorm())
            .stage("features.0.2", relu6());
    // (expansion t, output channels c, repeats n, first stride s), from the MobileNetV2 paper.
    int[][] settings = {
      {1, 16, 1, 1},
      {6, 24, 2, 2},
      {6, 32, 3, 2},
      {6, 64, 4, 2},
      {6, 96, 3, 1},
      {6, 160, 3, 2},
      {6, 320, 1, 1}
    };
    int inChannels = 32;
    int index = 1;
    for (int[] setting : settings) {
      for (int i = 0; i < setting[2]; i++) {
        int stride = i == 0 ? setting[3] : 1;
        builder.stage(
            "features." + index++, invertedResidual(inChannels, setting[1], stride, setting[0]));
        inChannels = setting[1];
      }
    }
    return builder
        .stage("features." + index + ".0", conv2d(1280, 1, 1, 0, 1, false))
        .stage("features." + index + ".1", batchnorm())
        .stage("features." + index + ".2", relu6())
        .stage("adaptive_avg_pool2d", adaptiveAvgPool(1, 1))
        .merge(flatten())
        .stage("classifier.1", linear(1000))
        .build();
  }

  private static Layer invertedResidual(int in, int out, int stride, int expansion) {
    int hidden = Math.round(in * (float) expansion);
    List<Layer> body = new ArrayList<>();
    if (expansion != 1) {
      body.addAll(List.of(conv2d(hidden, 1, 1, 0, 1, false), batchnorm(), relu6()));
    }
    body.addAll(
        List.of(
            conv2d(hidden, 3, stride, 1, hidden, false),
            batchnorm(),
            relu6(),
            conv2d(out, 1, 1, 0, 1, false),
            batchnorm()));
    return stride == 1 && in == out ? residual(body) : new Layer.Sequence(body);
  }

  /**
   * The platform's vibration-fault classifier (the dnn module's {@code VibrationModel}, ONNX id
   * {@code vibration-fault}): one 1024-sample accelerometer window, a spectral front end as matrix
   * products (Hann-windowed DFT to 156 cos/sin bin pairs, squared, summed into 69 bands, two square
   * roots compressing the band power to its fourth root), then an MLP 69-64-32-4 over four machine
   * states; cut after each of its eleven ONNX nodes, labelled with the node's output tensor name.
   * This module cannot see the dnn module, so gateway-twin's {@code BuiltinVibrationTableTest}
   * checks every cut of this table against the dnn analysis of the real ONNX classifier.
   */
  static Network vibration() {
    return Network.builder("vibration", TensorShape.vector(1024))
        .stage("dft", matmul(2 * 156))
        .stage("power_parts", elementwise("square"))
        .stage("band_power", matmul(69))
        .stage("band_magnitude", elementwise("sqrt"))
        .stage("band_root", elementwise("sqrt"))
        .stage("fc1", linear(64))
        .stage("relu1", relu())
        .stage("fc2", linear(32))
        .stage("relu2", relu())
        .stage("logits", linear(4))
        .stage("probabilities", softmax())
        .build();
  }
}
