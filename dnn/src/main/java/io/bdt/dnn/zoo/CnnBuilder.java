package io.bdt.dnn.zoo;

import static io.bdt.dnn.onnx.GraphBuilder.floatAttr;
import static io.bdt.dnn.onnx.GraphBuilder.intAttr;
import static io.bdt.dnn.onnx.GraphBuilder.intsAttr;

import io.bdt.dnn.onnx.GraphBuilder;
import io.bdt.dnn.onnx.proto.Onnx.ModelProto;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes CNN layers as the ONNX nodes PyTorch exports for them, with seeded random weights.
 *
 * <p>Weights are He-uniform (variance {@code 2 / fan_in}) for layers followed by a ReLU, which
 * keeps activations O(1) through depth; biases are uniform in [-0.1, 0.1]. BatchNormalization gets
 * running mean near 0 and variance near 1 (what He-initialised layers produce on O(1) inputs), so
 * inference-mode BN neither blows activations up nor flattens them. Tensor and node names follow
 * torchvision's state_dict names ({@code features.0.weight}).
 */
final class CnnBuilder {

  private final GraphBuilder graph;
  private final SplittableRandom random;
  private String relu6Min;
  private String relu6Max;
  private final List<String> blocks = new ArrayList<>();

  CnnBuilder(String name, long seed) {
    this.graph = new GraphBuilder(name, 17).producer("b-dt model zoo");
    this.random = new SplittableRandom(seed);
  }

  String input(String name, long... dims) {
    return graph.input(name, dims);
  }

  /** Conv2d(in, out, kernel, stride, padding, groups) with an optional bias. */
  String conv(
      String name,
      String x,
      int in,
      int out,
      int kernel,
      int stride,
      int pad,
      int groups,
      boolean bias) {
    long fanIn = (long) in / groups * kernel * kernel;
    double bound = Math.sqrt(6.0 / fanIn);
    String w =
        graph.initializer(name + ".weight", () -> uniform(bound), out, in / groups, kernel, kernel);
    List<String> inputs =
        bias
            ? List.of(x, w, graph.initializer(name + ".bias", () -> uniform(0.1), out))
            : List.of(x, w);
    return graph.node(
        "Conv",
        name,
        inputs,
        intsAttr("kernel_shape", kernel, kernel),
        intsAttr("strides", stride, stride),
        intsAttr("pads", pad, pad, pad, pad),
        intsAttr("dilations", 1, 1),
        intAttr("group", groups));
  }

  /** BatchNorm2d in inference mode; {@code gammaScale} shrinks gamma on residual branches. */
  String batchNorm(String name, String x, int channels, double gammaScale) {
    String gamma =
        graph.initializer(name + ".weight", () -> gammaScale * (1 + uniform(0.2)), channels);
    String beta = graph.initializer(name + ".bias", () -> uniform(0.1), channels);
    String mean = graph.initializer(name + ".running_mean", () -> uniform(0.1), channels);
    String var = graph.initializer(name + ".running_var", () -> 1 + uniform(0.2), channels);
    return graph.node(
        "BatchNormalization",
        name,
        List.of(x, gamma, beta, mean, var),
        floatAttr("epsilon", 1e-5f));
  }

  String relu(String name, String x) {
    return graph.node("Relu", name, List.of(x));
  }

  /** ReLU6 as PyTorch exports it: Clip with min 0 and max 6 inputs. */
  String relu6(String name, String x) {
    if (relu6Min == null) {
      relu6Min = graph.initializer("relu6.min", new float[] {0f});
      relu6Max = graph.initializer("relu6.max", new float[] {6f});
    }
    return graph.node("Clip", name, List.of(x, relu6Min, relu6Max));
  }

  String maxPool(String name, String x, int kernel, int stride, int pad) {
    return graph.node(
        "MaxPool",
        name,
        List.of(x),
        intsAttr("kernel_shape", kernel, kernel),
        intsAttr("strides", stride, stride),
        intsAttr("pads", pad, pad, pad, pad));
  }

  String globalAveragePool(String name, String x) {
    return graph.node("GlobalAveragePool", name, List.of(x));
  }

  String flatten(String name, String x) {
    return graph.node("Flatten", name, List.of(x), intAttr("axis", 1));
  }

  String dropout(String name, String x) {
    return graph.node("Dropout", name, List.of(x));
  }

  String add(String name, String a, String b) {
    return graph.node("Add", name, List.of(a, b));
  }

  /** Linear(in, out) as Gemm with transB; {@code beforeRelu} picks He or LeCun variance. */
  String linear(String name, String x, int in, int out, boolean beforeRelu) {
    double bound = Math.sqrt((beforeRelu ? 6.0 : 3.0) / in);
    String w = graph.initializer(name + ".weight", () -> uniform(bound), out, in);
    String b = graph.initializer(name + ".bias", () -> uniform(0.1), out);
    return graph.node(
        "Gemm",
        name,
        List.of(x, w, b),
        floatAttr("alpha", 1f),
        floatAttr("beta", 1f),
        intAttr("transB", 1));
  }

  /**
   * Declares {@code name} (a node-name prefix) a block: a residual or inverted-residual block whose
   * inside is not a stage boundary ({@link ZooCostTables}). Recorded in the model's metadata under
   * {@link ZooCostTables#BLOCKS_KEY}.
   */
  void block(String name) {
    blocks.add(name);
  }

  ModelProto build(String output, long... dims) {
    graph.output(output, dims);
    if (!blocks.isEmpty()) {
      graph.metadata(ZooCostTables.BLOCKS_KEY, String.join(",", blocks));
    }
    return graph.build();
  }

  private double uniform(double bound) {
    return (random.nextDouble() * 2 - 1) * bound;
  }
}
