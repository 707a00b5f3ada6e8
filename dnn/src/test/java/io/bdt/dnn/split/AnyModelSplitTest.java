package io.bdt.dnn.split;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtEnvironment;
import io.bdt.dnn.graph.CutPoint;
import io.bdt.dnn.graph.GraphAnalysis;
import io.bdt.dnn.graph.GraphAnalyzer;
import io.bdt.dnn.graph.TestModels;
import io.bdt.dnn.onnx.GraphBuilder;
import io.bdt.dnn.onnx.OnnxModels;
import io.bdt.dnn.onnx.proto.Onnx.ModelProto;
import io.bdt.dnn.onnx.proto.Onnx.StringStringEntryProto;
import io.bdt.dnn.onnx.proto.Onnx.TensorProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Control flow, several typed inputs and outputs, computed shapes and external data split exactly.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AnyModelSplitTest {

  @TempDir Path dir;

  private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

  /** x -> Relu r -> If(sum(r) > 0) then r * c else r + x -> Sigmoid; the branches read r, x, c. */
  static ModelProto ifModel() {
    GraphBuilder then = new GraphBuilder("then");
    then.output(then.node("Mul", "then.mul", List.of("r", "c")), 1, 4);
    GraphBuilder otherwise = new GraphBuilder("else");
    otherwise.output(otherwise.node("Add", "else.add", List.of("r", "x")), 1, 4);
    GraphBuilder g = new GraphBuilder("branchy");
    String x = g.input("x", 1, 4);
    g.initializer("c", new float[] {2, 3, 4, 5}, 1, 4);
    String zero = g.initializer("zero", new float[] {0}, new long[0]);
    String r = g.node("Relu", "r", List.of(x));
    String sum = g.node("ReduceSum", "sum", List.of(r), GraphBuilder.intAttr("keepdims", 0));
    String positive = g.node("Greater", "positive", List.of(sum, zero));
    String branch =
        g.node(
            "If",
            "branch",
            List.of(positive),
            GraphBuilder.graphAttr("then_branch", then.build().getGraph()),
            GraphBuilder.graphAttr("else_branch", otherwise.build().getGraph()));
    g.output(g.node("Sigmoid", "y", List.of(branch)), 1, 4);
    return g.build();
  }

  @Test
  void ifNodeStaysWholeAndTheTensorsItsBranchesReadCrossTheCutBeforeIt() throws Exception {
    GraphAnalysis a = GraphAnalyzer.analyze(ifModel(), Map.of(), 3);
    CutPoint beforeIf =
        a.cuts().stream()
            .filter(c -> c.position() == 3)
            .findFirst()
            .orElseThrow(() -> new AssertionError("no cut before the If node: " + a.cuts()));
    assertThat(beforeIf.tensorNames()).containsExactlyInAnyOrder("positive", "r", "x");
    SplitModel split = ModelSplitter.split(a, beforeIf.id());
    assertThat(split.tail().getGraph().getInitializerList())
        .extracting(TensorProto::getName)
        .containsExactly("c");
    try (SplitVerifier v = new SplitVerifier(ENV, a, 7)) {
      for (CutPoint cut : a.cuts()) {
        assertThat(v.check(cut.id()).passes()).as("cut %s", cut.label()).isTrue();
      }
    }
  }

  /**
   * x -> Relu -> Sigmoid -> Add(bias) -> Tanh -> Mul(scale): the bias is an initializer reshaped by
   * a node of its own and the scale an Identity of an initializer, both at the top of the file as
   * quantizers and exporters put them.
   */
  static ModelProto constantSubgraphModel() {
    GraphBuilder g = new GraphBuilder("folded");
    String x = g.input("x", 1, 4);
    String bias = g.initializer("bias", new float[] {0.5f, -0.25f, 1, -1}, 4);
    String shape = g.initializer("bias_shape", new long[] {1, 4}, 2);
    String w = g.initializer("w", new float[] {2, -3, 0.5f, 1.5f}, 1, 4);
    String biasRow = g.node("Reshape", "bias_row", List.of(bias, shape));
    String scale = g.node("Identity", "scale", List.of(w));
    String a = g.node("Relu", "a", List.of(x));
    String b = g.node("Sigmoid", "b", List.of(a));
    String c = g.node("Add", "c", List.of(b, biasRow));
    String d = g.node("Tanh", "d", List.of(c));
    g.output(g.node("Mul", "e", List.of(d, scale)), 1, 4);
    return g.build();
  }

  @Test
  void nodesComputedFromConstantsAloneTravelWithEachSideAndNeverCrossACut() throws Exception {
    GraphAnalysis a = GraphAnalyzer.analyze(constantSubgraphModel(), Map.of(), 1);
    assertThat(a.layers()).extracting(l -> l.name()).containsExactly("a", "b", "c", "d", "e");
    // one tensor crosses between each pair of compute nodes: a cut at every position
    assertThat(a.cuts()).extracting(CutPoint::position).containsExactly(0, 1, 2, 3, 4, 5);
    assertThat(a.cuts()).allSatisfy(cut -> assertThat(cut.tensorNames()).hasSizeLessThan(2));
    SplitModel afterAdd = ModelSplitter.split(a, 3);
    assertThat(afterAdd.head().getGraph().getNodeList())
        .extracting(n -> n.getOutput(0))
        .containsExactly("bias_row", "a", "b", "c");
    assertThat(afterAdd.tail().getGraph().getNodeList())
        .extracting(n -> n.getOutput(0))
        .containsExactly("scale", "d", "e");
    assertThat(afterAdd.tail().getGraph().getInitializerList())
        .extracting(TensorProto::getName)
        .containsExactly("w");
    try (SplitVerifier v = new SplitVerifier(ENV, a, 5)) {
      for (CutPoint cut : a.cuts()) {
        assertThat(v.check(cut.id()).passes()).as("cut %s", cut.label()).isTrue();
      }
    }
  }

  /** ids (int64) -> Gather(embedding) -> Reshape to Shape-computed dims; two outputs. */
  static ModelProto embeddingModel() {
    GraphBuilder g = new GraphBuilder("embed");
    String ids = g.input("ids", TensorProto.DataType.INT64, 1, 5);
    String scale = g.input("scale", 1, 1);
    float[] table = new float[10 * 4];
    for (int i = 0; i < table.length; i++) {
      table[i] = (i % 7) * 0.25f - 0.5f;
    }
    String emb = g.initializer("emb", table, 10, 4);
    String gathered = g.node("Gather", "gathered", List.of(emb, ids));
    String shape = g.node("Shape", "shape", List.of(ids));
    String flat = g.initializer("minus1", new long[] {-1}, 1);
    String target =
        g.node("Concat", "target", List.of(shape, flat), GraphBuilder.intAttr("axis", 0));
    String reshaped = g.node("Reshape", "reshaped", List.of(gathered, target));
    String scaled = g.node("Mul", "scaled", List.of(reshaped, scale));
    g.output(g.node("Tanh", "tanh", List.of(scaled)));
    g.output(g.node("ReduceMean", "mean", List.of(scaled), GraphBuilder.intsAttr("axes", 2)));
    return g.build();
  }

  @Test
  void shapesComputedFromTheInputAreLearntAndEveryCutOfATwoOutputModelVerifies() throws Exception {
    GraphAnalysis a = GraphAnalyzer.analyze(embeddingModel(), Map.of());
    assertThat(a.tensors().get("reshaped").dims()).containsExactly(1L, 5L, 4L);
    assertThat(a.tensors().get("shape").elemType()).isEqualTo(TensorProto.DataType.INT64_VALUE);
    assertThat(a.outputs()).extracting(t -> t.name()).containsExactly("tanh", "mean");
    assertThat(a.cuts().size()).isGreaterThan(3);
    try (SplitVerifier v = new SplitVerifier(ENV, a, 3)) {
      for (CutPoint cut : a.cuts()) {
        assertThat(v.check(cut.id()).passes()).as("cut %s", cut.label()).isTrue();
      }
    }
  }

  @Test
  void weightsInAnExternalDataFileAreReadAndTheSplitVerifies() throws Exception {
    ModelProto model = TestModels.chain();
    var graph = model.getGraph().toBuilder();
    long offset = 0;
    try (var out = Files.newOutputStream(dir.resolve("chain.weights"))) {
      for (int i = 0; i < graph.getInitializerCount(); i++) {
        TensorProto t = graph.getInitializer(i);
        byte[] raw = t.getRawData().toByteArray();
        out.write(raw);
        graph.setInitializer(
            i,
            t.toBuilder()
                .clearRawData()
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(entry("location", "chain.weights"))
                .addExternalData(entry("offset", Long.toString(offset)))
                .addExternalData(entry("length", Integer.toString(raw.length))));
        offset += raw.length;
      }
    }
    Path file = dir.resolve("chain.onnx");
    OnnxModels.write(model.toBuilder().setGraph(graph).build(), file);
    ModelProto read = OnnxModels.read(file);
    assertThat(read.getGraph().getInitializerList())
        .allSatisfy(
            t -> assertThat(t.getDataLocation()).isEqualTo(TensorProto.DataLocation.DEFAULT));
    assertThat(read.getGraph().getInitializerList())
        .isEqualTo(model.getGraph().getInitializerList());
    GraphAnalysis a = GraphAnalyzer.analyze(read, Map.of());
    try (SplitVerifier v = new SplitVerifier(ENV, a, 5)) {
      assertThat(v.check(2).passes()).isTrue();
    }
  }

  private static StringStringEntryProto entry(String key, String value) {
    return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
  }
}
