package io.bdt.dnn.zoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OrtEnvironment;
import io.bdt.dnn.graph.CutPoint;
import io.bdt.dnn.graph.GraphAnalysis;
import io.bdt.dnn.graph.GraphAnalyzer;
import io.bdt.dnn.onnx.proto.Onnx.ModelProto;
import io.bdt.dnn.split.CutCheck;
import io.bdt.dnn.split.ModelSplitter;
import io.bdt.dnn.split.SplitVerifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Every cut of every zoo CNN but VGG-16: head then tail reproduces the whole model within 1e-5, on
 * outputs of magnitude O(1) (so the tolerance means something). Builds the models in memory;
 * nothing is written to the source tree.
 *
 * <p>VGG-16 is checked at a sample of its 40 cuts ({@link #kindBoundaries}): full offload, fully
 * local, and the first cut between every distinct pair of operator kinds (Conv|Relu, Relu|MaxPool,
 * MaxPool|Flatten, Gemm|Relu, Dropout|Gemm, ...). Nothing is random: the sample follows from the
 * graph. Each of its cuts costs ONNX Runtime sessions holding all 553 MB of weights (7 to 24 s on
 * the shared 2-core CI machine, measured; running the model is under 1.5 s), and the cuts it leaves
 * out repeat a pair already checked between layers of other widths, the same code path in {@link
 * ModelSplitter}. {@code ./bdt dnn verify} on the file {@code ./bdt dnn zoo} writes checks every
 * cut.
 */
class ZooSplitIT {

  private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

  @Test
  void everyCutOfResnet18MatchesTheWholeModel() throws Exception {
    verifyEveryCut(new ResNet18().build());
  }

  @Test
  void everyCutOfMobilenetV2MatchesTheWholeModel() throws Exception {
    verifyEveryCut(new MobileNetV2().build());
  }

  @Test
  void everyCutOfAlexnetMatchesTheWholeModel() throws Exception {
    ModelProto m = new AlexNet().build();
    assertThat(ZooShapesTest.parameters(m)).isEqualTo(61_100_840L);
    verifyEveryCut(m);
  }

  @Test
  void vgg16MatchesTheWholeModelAtEveryOperatorKindBoundary() throws Exception {
    ModelProto m = new Vgg16().build();
    assertThat(ZooShapesTest.parameters(m)).isEqualTo(138_357_544L);
    GraphAnalysis a = GraphAnalyzer.analyze(m, Map.of());
    assertThat(ZooShapesTest.macs(a)).isCloseTo(15.47e9, within(0.05e9));
    verifyCuts(m, ZooSplitIT::kindBoundaries);
  }

  @Test
  void everyCutOfEveryOtherZooModelMatchesTheWholeModel() throws Exception {
    var cnns = ModelZoo.cnns().stream().map(ZooModel::name).toList();
    for (ZooModel model : ModelZoo.all()) {
      if (!cnns.contains(model.name())) {
        verifyEveryCut(model.build());
      }
    }
  }

  /**
   * Full offload, fully local, and the first cut between each distinct pair of operator kinds (the
   * last node of the head, the first of the tail), in cut order.
   */
  static List<CutPoint> kindBoundaries(GraphAnalysis a) {
    List<CutPoint> cuts = a.cuts();
    Set<String> pairs = new HashSet<>();
    List<CutPoint> sample = new ArrayList<>();
    for (CutPoint cut : cuts) {
      boolean end = cut.id() == 0 || cut.id() == cuts.size() - 1;
      if (end || pairs.add(opType(a, cut.position() - 1) + "|" + opType(a, cut.position()))) {
        sample.add(cut);
      }
    }
    return sample;
  }

  private static String opType(GraphAnalysis a, int layer) {
    return a.layers().get(layer).node().getOpType();
  }

  private static void verifyEveryCut(ModelProto model) throws Exception {
    verifyCuts(model, GraphAnalysis::cuts);
  }

  private static void verifyCuts(ModelProto model, Function<GraphAnalysis, List<CutPoint>> which)
      throws Exception {
    GraphAnalysis a = GraphAnalyzer.analyze(model, Map.of());
    try (SplitVerifier v = new SplitVerifier(ENV, a, 2026)) {
      float[] out = v.referenceOutput(a.outputs().get(0).name());
      double rms = 0;
      for (float o : out) {
        rms += o * o;
      }
      rms = Math.sqrt(rms / out.length);
      assertThat(rms).as("%s output RMS", a.name()).isBetween(0.05, 50.0);
      double worst = 0;
      List<CutPoint> checked = which.apply(a);
      for (CutPoint cut : checked) {
        CutCheck check = v.check(cut.id());
        worst = Math.max(worst, check.maxAbsDiff());
        assertThat(check.maxAbsDiff())
            .as("%s cut %d (%s)", a.name(), cut.id(), cut.label())
            .isLessThanOrEqualTo(SplitVerifier.ABS_TOLERANCE);
      }
      System.out.printf(
          "%s: %d of %d cuts checked, output RMS %.3f, max abs diff %.3g%n",
          a.name(), checked.size(), a.cuts().size(), rms, worst);
    }
  }
}
