package io.bdt.dnn.graph;

import static io.bdt.dnn.onnx.GraphBuilder.floatAttr;
import static io.bdt.dnn.onnx.GraphBuilder.intAttr;
import static io.bdt.dnn.onnx.GraphBuilder.intsAttr;
import static io.bdt.dnn.onnx.GraphBuilder.tensorAttr;

import com.google.protobuf.ByteString;
import io.bdt.dnn.onnx.GraphBuilder;
import io.bdt.dnn.onnx.proto.Onnx.ModelProto;
import io.bdt.dnn.onnx.proto.Onnx.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Small hand-built models for tests, written node by node (not through the zoo's builders), the way
 * exporters lay them out.
 */
public final class TestModels {

  private TestModels() {}

  /** Conv(3->4, 3x3, pad 1) -> Relu -> MaxPool(2) -> Flatten -> Gemm(64->5), input 1x3x8x8. */
  public static ModelProto chain() {
    GraphBuilder g = new GraphBuilder("chain", 13);
    SplittableRandom r = new SplittableRandom(1);
    String x = g.input("x", 1, 3, 8, 8);
    String w = g.initializer("w", r::nextGaussian, 4, 3, 3, 3);
    String b = g.initializer("b", r::nextGaussian, 4);
    String c =
        g.node(
            "Conv",
            "conv",
            List.of(x, w, b),
            intsAttr("kernel_shape", 3, 3),
            intsAttr("pads", 1, 1, 1, 1));
    String a = g.node("Relu", "relu", List.of(c));
    String p =
        g.node(
            "MaxPool",
            "pool",
            List.of(a),
            intsAttr("kernel_shape", 2, 2),
            intsAttr("strides", 2, 2));
    String f = g.node("Flatten", "flatten", List.of(p));
    String fw = g.initializer("fc.w", () -> r.nextGaussian() * 0.1, 5, 64);
    String fb = g.initializer("fc.b", r::nextGaussian, 5);
    g.output(g.node("Gemm", "fc", List.of(f, fw, fb), intAttr("transB", 1)), 1, 5);
    return g.build();
  }

  /**
   * A residual block with a squeeze-and-excitation gate and a two-branch Concat, batch dim symbolic
   * ("N"), a Reshape whose shape comes from a Constant node, and ReLU6 as Clip with shared min/max
   * initializers. Input Nx4x6x6, output Nx8x6x6 reshaped to Nx288.
   */
  public static ModelProto residualSeConcat() {
    GraphBuilder g = new GraphBuilder("residual_se_concat", 17);
    SplittableRandom r = new SplittableRandom(2);
    String x = g.input("x", GraphBuilder.shape("N", 4, 6, 6));
    String lo = g.initializer("relu6.min", new float[] {0f});
    String hi = g.initializer("relu6.max", new float[] {6f});
    // residual block
    String c1 = conv(g, r, "res.conv1", x, 4, 4);
    String a1 = g.node("Clip", "res.relu6", List.of(c1, lo, hi));
    String c2 = conv(g, r, "res.conv2", a1, 4, 4);
    String sum = g.node("Add", "res.add", List.of(c2, x));
    String y = g.node("Relu", "res.relu", List.of(sum));
    // squeeze and excitation
    String s = g.node("GlobalAveragePool", "se.pool", List.of(y));
    String s1 = conv1x1(g, r, "se.fc1", s, 4, 2);
    String s2 = g.node("Relu", "se.relu", List.of(s1));
    String s3 = conv1x1(g, r, "se.fc2", s2, 2, 4);
    String gate = g.node("HardSigmoid", "se.gate", List.of(s3), floatAttr("alpha", 0.2f));
    String scaled = g.node("Mul", "se.scale", List.of(y, gate));
    // two branches, concatenated
    String left =
        g.node("Clip", "branch.left", List.of(conv(g, r, "branch.conv_l", scaled, 4, 4), lo, hi));
    String right =
        g.node("Sigmoid", "branch.right", List.of(conv1x1(g, r, "branch.conv_r", scaled, 4, 4)));
    String cat = g.node("Concat", "concat", List.of(left, right), intAttr("axis", 1));
    TensorProto shapeValue =
        TensorProto.newBuilder()
            .setDataType(TensorProto.DataType.INT64_VALUE)
            .addDims(2)
            .setRawData(
                ByteString.copyFrom(
                    ByteBuffer.allocate(16)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .putLong(0)
                        .putLong(-1)
                        .array()))
            .build();
    String target = g.node("Constant", "flat.shape", List.of(), tensorAttr("value", shapeValue));
    g.output(g.node("Reshape", "flat", List.of(cat, target)), GraphBuilder.shape("N", 288));
    return g.build();
  }

  private static String conv(
      GraphBuilder g, SplittableRandom r, String name, String x, int in, int out) {
    double std = Math.sqrt(2.0 / (in * 9));
    String w = g.initializer(name + ".w", () -> r.nextGaussian() * std, out, in, 3, 3);
    String b = g.initializer(name + ".b", () -> r.nextGaussian() * 0.1, out);
    return g.node(
        "Conv",
        name,
        List.of(x, w, b),
        intsAttr("kernel_shape", 3, 3),
        intsAttr("pads", 1, 1, 1, 1));
  }

  private static String conv1x1(
      GraphBuilder g, SplittableRandom r, String name, String x, int in, int out) {
    double std = Math.sqrt(2.0 / in);
    String w = g.initializer(name + ".w", () -> r.nextGaussian() * std, out, in, 1, 1);
    return g.node("Conv", name, List.of(x, w), intsAttr("kernel_shape", 1, 1));
  }
}
