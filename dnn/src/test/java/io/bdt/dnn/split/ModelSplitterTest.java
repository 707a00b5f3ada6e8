package io.bdt.dnn.split;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtEnvironment;
import io.bdt.dnn.graph.CutPoint;
import io.bdt.dnn.graph.GraphAnalysis;
import io.bdt.dnn.graph.GraphAnalyzer;
import io.bdt.dnn.graph.TestModels;
import io.bdt.dnn.onnx.OnnxModels;
import io.bdt.dnn.onnx.proto.Onnx.ModelProto;
import io.bdt.dnn.onnx.proto.Onnx.NodeProto;
import io.bdt.dnn.onnx.proto.Onnx.TensorProto;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelSplitterTest {

  @TempDir Path dir;

  private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

  @Test
  void eachSideCarriesOnlyTheInitializersItsNodesUse() {
    GraphAnalysis a = GraphAnalyzer.analyze(TestModels.chain(), Map.of());
    SplitModel split = ModelSplitter.split(a, 2);
    assertThat(split.head().getGraph().getInitializerList())
        .extracting(TensorProto::getName)
        .containsExactlyInAnyOrder("w", "b");
    assertThat(split.tail().getGraph().getInitializerList())
        .extracting(TensorProto::getName)
        .containsExactlyInAnyOrder("fc.w", "fc.b");
  }

  @Test
  void headOutputsAndTailInputsAreTheCutTensors() {
    GraphAnalysis a =
        GraphAnalyzer.analyze(TestModels.residualSeConcat(), Map.of("x", List.of(1L, 4L, 6L, 6L)));
    CutPoint inside =
        a.cuts().stream().filter(c -> c.label().equals("x+res.conv1")).findFirst().orElseThrow();
    SplitModel split = ModelSplitter.split(a, inside.id());
    assertThat(split.head().getGraph().getOutputList())
        .extracting(v -> v.getName())
        .containsExactlyInAnyOrder("res.conv1", "x");
    assertThat(split.tail().getGraph().getInputList())
        .extracting(v -> v.getName())
        .containsExactlyInAnyOrder("res.conv1", "x");
  }

  @Test
  void sharedInitializersAreCopiedIntoBothSides() {
    GraphAnalysis a =
        GraphAnalyzer.analyze(TestModels.residualSeConcat(), Map.of("x", List.of(1L, 4L, 6L, 6L)));
    CutPoint mid =
        a.cuts().stream().filter(c -> c.label().equals("se.scale")).findFirst().orElseThrow();
    SplitModel split = ModelSplitter.split(a, mid.id());
    assertThat(split.head().getGraph().getInitializerList())
        .extracting(TensorProto::getName)
        .contains("relu6.min", "relu6.max");
    assertThat(split.tail().getGraph().getInitializerList())
        .extracting(TensorProto::getName)
        .contains("relu6.min", "relu6.max");
    assertThat(split.tail().getGraph().getNodeList())
        .extracting(n -> n.getOpType())
        .contains("Constant");
    assertThat(split.head().getGraph().getNodeList())
        .extracting(n -> n.getOpType())
        .doesNotContain("Constant");
  }

  @Test
  void splitKeepsIrVersionAndOpsetAndWritesReadableFiles() throws Exception {
    ModelProto model = TestModels.chain();
    SplitModel split = ModelSplitter.split(GraphAnalyzer.analyze(model, Map.of()), 3);
    split.write(dir);
    ModelProto head = OnnxModels.read(dir.resolve("head.onnx"));
    ModelProto tail = OnnxModels.read(dir.resolve("tail.onnx"));
    assertThat(head.getIrVersion()).isEqualTo(model.getIrVersion());
    assertThat(tail.getOpsetImportList()).isEqualTo(model.getOpsetImportList());
  }

  @Test
  void everyCutOfTheChainReproducesTheWholeModel() throws Exception {
    GraphAnalysis a = GraphAnalyzer.analyze(TestModels.chain(), Map.of());
    assertEveryCutMatches(a);
  }

  @Test
  void everyCutOfTheDagWithDynamicBatchReproducesTheWholeModel() throws Exception {
    GraphAnalysis a =
        GraphAnalyzer.analyze(TestModels.residualSeConcat(), Map.of("x", List.of(3L, 4L, 6L, 6L)));
    assertEveryCutMatches(a);
  }

  @Test
  void aWrongSplitIsDetected() throws Exception {
    GraphAnalysis a = GraphAnalyzer.analyze(TestModels.chain(), Map.of());
    try (SplitVerifier v = new SplitVerifier(ENV, a, 7)) {
      float[] out = v.referenceOutput("fc");
      assertThat(out).hasSize(5);
      assertThat(out)
          .satisfiesAnyOf(
              o -> assertThat(Math.abs(o[0])).isGreaterThan(1e-3f),
              o -> assertThat(Math.abs(o[1])).isGreaterThan(1e-3f));
    }
  }

  private static void assertEveryCutMatches(GraphAnalysis a) throws Exception {
    try (SplitVerifier v = new SplitVerifier(ENV, a, 42)) {
      for (CutPoint cut : a.cuts()) {
        CutCheck check = v.check(cut.id());
        assertThat(check.maxAbsDiff())
            .as("cut %d (%s)", cut.id(), cut.label())
            .isLessThanOrEqualTo(SplitVerifier.ABS_TOLERANCE);
      }
    }
  }

  @Test
  void theCutZeroTailIsTheOriginalGraphNodeForNodeWithConstantsWhereTheFileHasThem() {
    ModelProto model = TestModels.residualSeConcat();
    GraphAnalysis a = GraphAnalyzer.analyze(model, Map.of("x", List.of(1L, 4L, 6L, 6L)));
    SplitModel split = ModelSplitter.split(a, 0);
    assertThat(split.tail().getGraph().getNodeList()).isEqualTo(a.model().getGraph().getNodeList());
    assertThat(split.tail().getGraph().getInitializerList())
        .isEqualTo(a.model().getGraph().getInitializerList());
  }

  @Test
  void aFileWhoseNodesAreNotTopologicallySortedKeepsItsOrderOnBothSides() throws Exception {
    ModelProto model = reluMovedToTheEnd(TestModels.chain());
    GraphAnalysis a = GraphAnalyzer.analyze(model, Map.of());
    List<String> fileOrder = names(a.model().getGraph().getNodeList());
    assertThat(a.layers()).extracting(l -> l.name()).isNotEqualTo(fileOrder);
    assertThat(names(ModelSplitter.split(a, 0).tail().getGraph().getNodeList()))
        .isEqualTo(fileOrder);
    for (CutPoint cut : a.cuts()) {
      SplitModel split = ModelSplitter.split(a, cut.id());
      List<String> head = names(split.head().getGraph().getNodeList());
      List<String> tail = names(split.tail().getGraph().getNodeList());
      assertThat(head).as("head of cut %d", cut.id()).isEqualTo(subsequence(fileOrder, head));
      assertThat(tail).as("tail of cut %d", cut.id()).isEqualTo(subsequence(fileOrder, tail));
    }
    assertEveryCutMatches(a);
  }

  @Test
  void eachSideListsItsInitializersInTheFilesOrder() {
    ModelProto model = TestModels.residualSeConcat();
    GraphAnalysis a = GraphAnalyzer.analyze(model, Map.of("x", List.of(1L, 4L, 6L, 6L)));
    List<String> fileOrder =
        a.model().getGraph().getInitializerList().stream().map(TensorProto::getName).toList();
    for (CutPoint cut : a.cuts()) {
      SplitModel split = ModelSplitter.split(a, cut.id());
      for (ModelProto side : List.of(split.head(), split.tail())) {
        List<String> inits =
            side.getGraph().getInitializerList().stream().map(TensorProto::getName).toList();
        assertThat(inits).isEqualTo(subsequence(fileOrder, inits));
      }
    }
  }

  /** {@code model} with its Relu node moved after every other node, as float16 converters do. */
  private static ModelProto reluMovedToTheEnd(ModelProto model) {
    List<NodeProto> nodes = new ArrayList<>(model.getGraph().getNodeList());
    NodeProto relu =
        nodes.stream().filter(n -> n.getOpType().equals("Relu")).findFirst().orElseThrow();
    nodes.remove(relu);
    nodes.add(relu);
    return model.toBuilder()
        .setGraph(model.getGraph().toBuilder().clearNode().addAllNode(nodes))
        .build();
  }

  private static List<String> names(List<NodeProto> nodes) {
    return nodes.stream().map(NodeProto::getName).toList();
  }

  /** The elements of {@code order} that are in {@code some}, in {@code order}'s order. */
  private static List<String> subsequence(List<String> order, List<String> some) {
    return order.stream().filter(some::contains).toList();
  }

  @Test
  void headAndTailShareTheModelsWeightBytesInsteadOfCopyingThem() {
    GraphAnalysis a = GraphAnalyzer.analyze(TestModels.chain(), Map.of());
    SplitModel split = ModelSplitter.split(a, 2);
    Map<String, TensorProto> original = new java.util.HashMap<>();
    a.model().getGraph().getInitializerList().forEach(t -> original.put(t.getName(), t));
    for (ModelProto side : List.of(split.head(), split.tail())) {
      for (TensorProto t : side.getGraph().getInitializerList()) {
        assertThat(t.getRawData()).isSameAs(original.get(t.getName()).getRawData());
      }
    }
  }
}
