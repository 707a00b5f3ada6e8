package io.bdt.dnn.split;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtEnvironment;
import com.google.protobuf.ByteString;
import io.bdt.dnn.graph.CutPoint;
import io.bdt.dnn.graph.Fp32Carrier;
import io.bdt.dnn.graph.GraphAnalysis;
import io.bdt.dnn.graph.GraphAnalyzer;
import io.bdt.dnn.graph.TensorInfo;
import io.bdt.dnn.onnx.GraphBuilder;
import io.bdt.dnn.onnx.proto.Onnx.ModelProto;
import io.bdt.dnn.onnx.proto.Onnx.NodeProto;
import io.bdt.dnn.onnx.proto.Onnx.TensorProto;
import io.bdt.dnn.onnx.proto.Onnx.TensorShapeProto;
import io.bdt.dnn.onnx.proto.Onnx.TypeProto;
import io.bdt.dnn.onnx.proto.Onnx.ValueInfoProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A float16 model: ONNX Runtime's CPU provider runs its Conv and Relu in float32 and never rounds
 * the tensors between them, so a cut that returned them as float16 would be off by float16 ulps.
 * They cross as float32 ({@link Fp32Carrier}) and every cut reproduces the whole model exactly.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class Fp16CutTest {

  private static final int CHANNELS = 16;

  /** x (fp16) -> Conv -> Relu -> Conv -> Relu -> Conv -> y (fp16), 16x16 maps. */
  static ModelProto model() {
    GraphBuilder g = new GraphBuilder("half");
    String x = g.input("x", TensorProto.DataType.FLOAT16, 1, 3, 16, 16);
    var pads = GraphBuilder.intsAttr("pads", 1, 1, 1, 1);
    String a = g.node("Conv", "a", List.of(x, "w1"), pads);
    String b = g.node("Relu", "b", List.of(a));
    String c = g.node("Conv", "c", List.of(b, "w2"), pads);
    String d = g.node("Relu", "d", List.of(c));
    String y = g.node("Conv", "y", List.of(d, "w3"), pads);
    ModelProto.Builder m = g.build().toBuilder();
    SplittableRandom random = new SplittableRandom(16);
    m.getGraphBuilder()
        .addInitializer(half("w1", random, CHANNELS, 3, 3, 3))
        .addInitializer(half("w2", random, CHANNELS, CHANNELS, 3, 3))
        .addInitializer(half("w3", random, CHANNELS, CHANNELS, 3, 3))
        .addOutput(halfValue(y, 1, CHANNELS, 16, 16));
    return m.build();
  }

  @Test
  void float16TensorsCrossInnerCutsAsFloat32AndEveryCutIsExact() throws Exception {
    GraphAnalysis a = GraphAnalyzer.analyze(model(), Map.of());
    assertThat(a.cuts()).hasSize(6);
    CutPoint afterRelu = a.cuts().get(2);
    TensorInfo crossing = afterRelu.tensors().getFirst();
    assertThat(crossing.name()).isEqualTo("b" + Fp32Carrier.SUFFIX);
    assertThat(crossing.elemType()).isEqualTo(TensorProto.DataType.FLOAT_VALUE);
    // d_k counts the float32 carrier: 16 x 16 x 16 elements of 32 bits
    assertThat(afterRelu.bits()).isEqualTo(16L * 16 * 16 * 32);
    // full offload and fully local cross the graph's own float16 input and output
    assertThat(a.cuts().getFirst().tensors().getFirst().elemType())
        .isEqualTo(TensorProto.DataType.FLOAT16_VALUE);
    assertThat(a.cuts().getLast().tensors().getFirst().elemType())
        .isEqualTo(TensorProto.DataType.FLOAT16_VALUE);

    SplitModel split = ModelSplitter.split(a, afterRelu.id());
    assertThat(split.head().getGraph().getNodeList())
        .extracting(NodeProto::getOpType)
        .containsExactly("Conv", "Relu", "Cast");
    assertThat(split.tail().getGraph().getNodeList())
        .extracting(NodeProto::getOpType)
        .containsExactly("Cast", "Conv", "Relu", "Conv");
    try (SplitVerifier v = new SplitVerifier(OrtEnvironment.getEnvironment(), a, 3)) {
      for (CutPoint cut : a.cuts()) {
        assertThat(v.check(cut.id()).maxAbsDiff()).as("cut %s", cut.label()).isZero();
      }
    }
  }

  /**
   * x (float32) -> Cast to float16 -> Conv -> Relu -> Conv -> Cast to float32, as float16
   * converters write models: the whole model does not round x either (ONNX Runtime drops the
   * explicit Cast with the one it inserts before Conv), so the cut after the Cast carries x.
   */
  @Test
  void aTensorMadeByAnExplicitCastIsCarriedAsTheCastsInput() throws Exception {
    GraphBuilder g = new GraphBuilder("converted");
    String x = g.input("x", 1, 3, 16, 16);
    var pads = GraphBuilder.intsAttr("pads", 1, 1, 1, 1);
    String xh =
        g.node(
            "Cast",
            "xh",
            List.of(x),
            GraphBuilder.intAttr("to", TensorProto.DataType.FLOAT16_VALUE));
    String a = g.node("Conv", "a", List.of(xh, "w1"), pads);
    String b = g.node("Relu", "b", List.of(a));
    String c = g.node("Conv", "c", List.of(b, "w2"), pads);
    String y =
        g.node(
            "Cast", "y", List.of(c), GraphBuilder.intAttr("to", TensorProto.DataType.FLOAT_VALUE));
    g.output(y, 1, CHANNELS, 16, 16);
    ModelProto.Builder m = g.build().toBuilder();
    SplittableRandom random = new SplittableRandom(17);
    m.getGraphBuilder()
        .addInitializer(half("w1", random, CHANNELS, 3, 3, 3))
        .addInitializer(half("w2", random, CHANNELS, CHANNELS, 3, 3));
    GraphAnalysis analysis = GraphAnalyzer.analyze(m.build(), Map.of());
    SplitModel afterCast = ModelSplitter.split(analysis, 1);
    assertThat(afterCast.cut().tensorNames()).containsExactly("xh" + Fp32Carrier.SUFFIX);
    assertThat(afterCast.head().getGraph().getNode(1).getInput(0)).isEqualTo("x");
    try (SplitVerifier v = new SplitVerifier(OrtEnvironment.getEnvironment(), analysis, 4)) {
      for (CutPoint cut : analysis.cuts()) {
        assertThat(v.check(cut.id()).maxAbsDiff()).as("cut %s", cut.label()).isZero();
      }
    }
  }

  private static TensorProto half(String name, SplittableRandom random, long... dims) {
    int count = 1;
    for (long d : dims) {
      count *= (int) d;
    }
    ByteBuffer raw = ByteBuffer.allocate(count * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < count; i++) {
      raw.putShort(Float.floatToFloat16((float) (random.nextGaussian() * 0.3)));
    }
    TensorProto.Builder t =
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(TensorProto.DataType.FLOAT16_VALUE)
            .setRawData(ByteString.copyFrom(raw.flip()));
    for (long d : dims) {
      t.addDims(d);
    }
    return t.build();
  }

  private static ValueInfoProto halfValue(String name, long... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (long d : dims) {
      shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            TypeProto.newBuilder()
                .setTensorType(
                    TypeProto.Tensor.newBuilder()
                        .setElemType(TensorProto.DataType.FLOAT16_VALUE)
                        .setShape(shape)))
        .build();
  }
}
