package io.bdt.dnn.split;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtEnvironment;
import io.bdt.dnn.graph.CutPoint;
import io.bdt.dnn.graph.GraphAnalysis;
import io.bdt.dnn.graph.GraphAnalyzer;
import io.bdt.dnn.onnx.proto.Onnx.AttributeProto;
import io.bdt.dnn.onnx.proto.Onnx.GraphProto;
import io.bdt.dnn.onnx.proto.Onnx.ModelProto;
import io.bdt.dnn.onnx.proto.Onnx.NodeProto;
import io.bdt.dnn.onnx.proto.Onnx.OperatorSetIdProto;
import io.bdt.dnn.onnx.proto.Onnx.TensorProto;
import io.bdt.dnn.onnx.proto.Onnx.TensorShapeProto;
import io.bdt.dnn.onnx.proto.Onnx.TypeProto;
import io.bdt.dnn.onnx.proto.Onnx.ValueInfoProto;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A model written with the raw protobuf classes, not GraphBuilder, in the older exporter style: IR
 * 7, opset 13, unnamed nodes, initializers also listed as graph inputs, typed *_data fields instead
 * of raw_data, and Transpose/Pad/AveragePool/ReduceMean/Unsqueeze/Squeeze/MatMul/Softmax.
 */
class RawProtobufModelTest {

  @Test
  void analysesAndSplitsAModelNotBuiltByGraphBuilder() throws Exception {
    GraphAnalysis a = GraphAnalyzer.analyze(model(), Map.of());
    assertThat(a.outputs().get(0).dims()).containsExactly(1L, 4L);
    assertThat(a.layers()).hasSize(9);
    assertThat(a.cuts()).hasSize(10);
    try (SplitVerifier v = new SplitVerifier(OrtEnvironment.getEnvironment(), a, 5)) {
      for (CutPoint cut : a.cuts()) {
        assertThat(v.check(cut.id()).maxAbsDiff()).as("cut %d", cut.id()).isLessThanOrEqualTo(1e-5);
      }
    }
  }

  @Test
  void splitKeepsInitializerInputsOnlyOnTheSideThatUsesThem() {
    GraphAnalysis a = GraphAnalyzer.analyze(model(), Map.of());
    SplitModel split = ModelSplitter.split(a, 3);
    assertThat(split.head().getGraph().getInputList())
        .extracting(ValueInfoProto::getName)
        .containsExactly("x", "pads");
    assertThat(split.tail().getGraph().getInputList())
        .extracting(ValueInfoProto::getName)
        .contains("w", "b", "one")
        .doesNotContain("pads");
  }

  static ModelProto model() {
    GraphProto.Builder g = GraphProto.newBuilder().setName("raw");
    g.addInput(value("x", 1, 3, 8, 8));
    g.addInitializer(int64("pads", 0, 0, 1, 1, 0, 0, 1, 1));
    g.addInitializer(int64("one", 1));
    g.addInitializer(
        floats(
            "w",
            new long[] {3, 4},
            0.5f,
            -1f,
            2f,
            0.1f,
            1f,
            1f,
            -0.5f,
            0.3f,
            -2f,
            0.7f,
            0.2f,
            1.5f));
    g.addInitializer(floats("b", new long[] {4}, 0.1f, -0.2f, 0.3f, 0f));
    for (String init : List.of("pads", "one")) {
      g.addInput(
          ValueInfoProto.newBuilder()
              .setName(init)
              .setType(type(TensorProto.DataType.INT64_VALUE, init.equals("pads") ? 8 : 1)));
    }
    g.addInput(value("w", 3, 4));
    g.addInput(value("b", 4));
    g.addNode(node("Transpose", List.of("x"), "t", ints("perm", 0, 1, 3, 2)));
    g.addNode(node("Pad", List.of("t", "pads"), "p"));
    g.addNode(node("AveragePool", List.of("p"), "ap", ints("kernel_shape", 3, 3)));
    g.addNode(
        node(
            "ReduceMean",
            List.of("ap"),
            "rm",
            ints("axes", 2, 3),
            AttributeProto.newBuilder()
                .setName("keepdims")
                .setType(AttributeProto.AttributeType.INT)
                .setI(0)
                .build()));
    g.addNode(node("Unsqueeze", List.of("rm", "one"), "u"));
    g.addNode(node("Squeeze", List.of("u", "one"), "s"));
    g.addNode(node("MatMul", List.of("s", "w"), "mm"));
    g.addNode(node("Add", List.of("mm", "b"), "add"));
    g.addNode(
        node(
            "Softmax",
            List.of("add"),
            "y",
            AttributeProto.newBuilder()
                .setName("axis")
                .setType(AttributeProto.AttributeType.INT)
                .setI(-1)
                .build()));
    g.addOutput(value("y", 1, 4));
    return ModelProto.newBuilder()
        .setIrVersion(7)
        .setProducerName("hand-written protobuf")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13))
        .setGraph(g)
        .build();
  }

  private static NodeProto node(String op, List<String> in, String out, AttributeProto... attrs) {
    return NodeProto.newBuilder()
        .setOpType(op)
        .addAllInput(in)
        .addOutput(out)
        .addAllAttribute(List.of(attrs))
        .build();
  }

  private static AttributeProto ints(String name, long... v) {
    AttributeProto.Builder a =
        AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long x : v) {
      a.addInts(x);
    }
    return a.build();
  }

  private static TensorProto int64(String name, long... v) {
    TensorProto.Builder t =
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(TensorProto.DataType.INT64_VALUE)
            .addDims(v.length);
    for (long x : v) {
      t.addInt64Data(x);
    }
    return t.build();
  }

  private static TensorProto floats(String name, long[] dims, float... v) {
    TensorProto.Builder t =
        TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE);
    for (long d : dims) {
      t.addDims(d);
    }
    for (float x : v) {
      t.addFloatData(x);
    }
    return t.setDocString("typed float_data, not raw_data").build();
  }

  private static ValueInfoProto value(String name, long... dims) {
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(type(TensorProto.DataType.FLOAT_VALUE, dims))
        .build();
  }

  private static TypeProto type(int elemType, long... dims) {
    TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
    for (long d : dims) {
      s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return TypeProto.newBuilder()
        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(s))
        .build();
  }
}
