package io.bdt.dnn.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bdt.dnn.onnx.GraphBuilder;
import io.bdt.dnn.onnx.InvalidModelException;
import io.bdt.dnn.onnx.OnnxModels;
import io.bdt.dnn.onnx.proto.Onnx.ModelProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GraphAnalyzerTest {

  @TempDir Path dir;

  private static final Map<String, List<Long>> BATCH_2 = Map.of("x", List.of(2L, 4L, 6L, 6L));

  @Test
  void chainHasOneTensorPerCutAndCutsAtInputsAndOutputs() {
    GraphAnalysis a = GraphAnalyzer.analyze(TestModels.chain(), Map.of());
    assertThat(a.cuts())
        .extracting(CutPoint::label)
        .containsExactly("x", "conv", "relu", "pool", "flatten", "fc");
    assertThat(a.cuts()).extracting(CutPoint::position).containsExactly(0, 1, 2, 3, 4, 5);
  }

  @Test
  void chainFlopsFollowTheDocumentedRules() {
    GraphAnalysis a = GraphAnalyzer.analyze(TestModels.chain(), Map.of());
    long conv = 2L * (4 * 8 * 8) * 3 * 9 + 4 * 8 * 8; // MACs*2 + bias
    long relu = 4 * 8 * 8;
    long pool = 4 * 4 * 4 * 4; // outputs * kernel
    long gemm = 2L * 5 * 64 + 5;
    assertThat(a.layers()).extracting(Layer::flops).containsExactly(conv, relu, pool, 0L, gemm);
    assertThat(a.cuts().get(2).headFlops()).isEqualTo(conv + relu);
    assertThat(a.cuts().get(2).tailFlops()).isEqualTo(pool + gemm);
    assertThat(a.totalFlops()).isEqualTo(conv + relu + pool + gemm);
  }

  @Test
  void bitsAreCrossingElementsTimes32ExceptTheFullyLocalCut() {
    GraphAnalysis a = GraphAnalyzer.analyze(TestModels.chain(), Map.of());
    assertThat(a.cuts())
        .extracting(CutPoint::bits)
        .containsExactly(3L * 64 * 32, 4L * 64 * 32, 4L * 64 * 32, 64L * 32, 64L * 32, 0L);
    assertThat(a.inputBits()).isEqualTo(3L * 64 * 32);
    assertThat(a.outputBits()).isEqualTo(5L * 32);
  }

  @Test
  void dagCutsInsideBlocksCrossTwoTensorsAndBlockBoundariesOne() {
    GraphAnalysis a = GraphAnalyzer.analyze(TestModels.residualSeConcat(), BATCH_2);
    assertThat(a.cuts()).allSatisfy(c -> assertThat(c.tensors()).hasSizeLessThanOrEqualTo(2));
    assertThat(a.cuts())
        .extracting(CutPoint::label)
        .contains(
            "x",
            "x+res.conv1",
            "res.add",
            "res.relu",
            "res.relu+se.pool",
            "se.scale",
            "concat",
            "flat");
    // both branches read se.scale, so a cut between them carries it and the finished branch
    assertThat(a.cuts()).extracting(CutPoint::label).contains("se.scale+branch.left");
  }

  @Test
  void limitOfOneTensorKeepsOnlyBlockBoundaries() {
    GraphAnalysis a = GraphAnalyzer.analyze(TestModels.residualSeConcat(), BATCH_2, 1);
    assertThat(a.cuts())
        .extracting(CutPoint::label)
        .containsExactly("x", "res.add", "res.relu", "se.scale", "concat", "flat");
  }

  @Test
  void perSampleNumbersDivideByTheBatch() {
    GraphAnalysis one =
        GraphAnalyzer.analyze(TestModels.residualSeConcat(), Map.of("x", List.of(1L, 4L, 6L, 6L)));
    GraphAnalysis two = GraphAnalyzer.analyze(TestModels.residualSeConcat(), BATCH_2);
    assertThat(two.batch()).isEqualTo(2);
    assertThat(two.cuts())
        .extracting(CutPoint::bits)
        .isEqualTo(one.cuts().stream().map(CutPoint::bits).toList());
    assertThat(two.totalFlops()).isEqualTo(one.totalFlops());
  }

  @Test
  void reshapeTakesItsShapeFromAConstantNode() {
    GraphAnalysis a = GraphAnalyzer.analyze(TestModels.residualSeConcat(), BATCH_2);
    assertThat(a.outputs().get(0).dims()).containsExactly(2L, 288L);
  }

  @Test
  void dynamicInputWithoutShapeIsRejectedNamingTheOption() {
    assertThatThrownBy(() -> GraphAnalyzer.analyze(TestModels.residualSeConcat(), Map.of()))
        .isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("missing shape: graph input 'x' has dynamic shape [N, 4, 6, 6]")
        .hasMessageContaining("--input x=DIMS");
  }

  @Test
  void inputShapeForAnUnknownInputIsRejected() {
    assertThatThrownBy(() -> GraphAnalyzer.analyze(TestModels.chain(), Map.of("y", List.of(1L))))
        .hasMessageContaining("--input y: the model has no graph input of that name");
  }

  @Test
  void opOutsideTheJavaRulesGetsItsShapeFromOnnxRuntime() {
    GraphBuilder g = new GraphBuilder("lrn");
    String x = g.input("x", 1, 3, 4, 4);
    String lrn = g.node("LRN", "norm1", List.of(x), GraphBuilder.intAttr("size", 3));
    g.output(g.node("Relu", "relu", List.of(lrn)));
    GraphAnalysis a = GraphAnalyzer.analyze(g.build(), Map.of());
    assertThat(a.tensors().get("norm1").dims()).containsExactly(1L, 3L, 4L, 4L);
    assertThat(a.outputs().get(0).dims()).containsExactly(1L, 3L, 4L, 4L);
    assertThat(a.layers()).extracting(Layer::flops).containsExactly(5L * 48, 48L);
  }

  @Test
  void opThatOnnxRuntimeCannotRunIsRejectedWithItsReason() {
    GraphBuilder g = new GraphBuilder("custom");
    String x = g.input("x", 1, 3);
    g.output(g.node("NoSuchOp", "mystery", List.of(x)));
    assertThatThrownBy(() -> GraphAnalyzer.analyze(g.build(), Map.of()))
        .isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("ONNX Runtime cannot run the model")
        .hasMessageContaining("'mystery'")
        .hasMessageContaining("NoSuchOp");
  }

  @Test
  void opset9ModelIsAnalysedLikeItsOpset17Twin() {
    ModelProto old =
        TestModels.chain().toBuilder()
            .setOpsetImport(0, TestModels.chain().getOpsetImport(0).toBuilder().setVersion(9))
            .build();
    assertThat(GraphAnalyzer.analyze(old, Map.of()).cuts())
        .extracting(CutPoint::label)
        .containsExactly("x", "conv", "relu", "pool", "flatten", "fc");
  }

  @Test
  void nodesOutOfOrderAreSortedTopologically() {
    ModelProto chain = TestModels.chain();
    var nodes = new java.util.ArrayList<>(chain.getGraph().getNodeList());
    java.util.Collections.reverse(nodes);
    ModelProto shuffled =
        chain.toBuilder()
            .setGraph(chain.getGraph().toBuilder().clearNode().addAllNode(nodes))
            .build();
    assertThat(GraphAnalyzer.analyze(shuffled, Map.of()).cuts())
        .extracting(CutPoint::label)
        .containsExactly("x", "conv", "relu", "pool", "flatten", "fc");
  }

  @Test
  void truncatedFileIsRejectedAsBadFile() throws Exception {
    byte[] bytes = TestModels.chain().toByteArray();
    Path file = dir.resolve("truncated.onnx");
    Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
    assertThatThrownBy(() -> OnnxModels.read(file))
        .isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("bad file")
        .hasMessageContaining("truncated.onnx");
  }

  @Test
  void emptyFileIsRejectedAsBadFile() throws Exception {
    Path file = dir.resolve("empty.onnx");
    Files.write(file, new byte[0]);
    assertThatThrownBy(() -> OnnxModels.read(file)).hasMessageContaining("it is empty");
  }
}
