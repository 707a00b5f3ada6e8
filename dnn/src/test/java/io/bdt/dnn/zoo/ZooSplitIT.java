package io.bdt.dnn.zoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OrtEnvironment;
import io.bdt.dnn.graph.CutPoint;
import io.bdt.dnn.graph.GraphAnalysis;
import io.bdt.dnn.graph.GraphAnalyzer;
import io.bdt.dnn.onnx.proto.Onnx.ModelProto;
import io.bdt.dnn.split.CutCheck;
import io.bdt.dnn.split.SplitVerifier;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every cut of every zoo CNN: head then tail reproduces the whole model within 1e-5, on outputs of
 * magnitude O(1) (so the tolerance means something). Builds the models in memory; nothing is
 * written to the source tree.
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
  void everyCutOfVgg16MatchesTheWholeModel() throws Exception {
    ModelProto m = new Vgg16().build();
    assertThat(ZooShapesTest.parameters(m)).isEqualTo(138_357_544L);
    GraphAnalysis a = GraphAnalyzer.analyze(m, Map.of());
    assertThat(ZooShapesTest.macs(a)).isCloseTo(15.47e9, within(0.05e9));
    verifyEveryCut(m);
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

  private static void verifyEveryCut(ModelProto model) throws Exception {
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
      for (CutPoint cut : a.cuts()) {
        CutCheck check = v.check(cut.id());
        worst = Math.max(worst, check.maxAbsDiff());
        assertThat(check.maxAbsDiff())
            .as("%s cut %d (%s)", a.name(), cut.id(), cut.label())
            .isLessThanOrEqualTo(SplitVerifier.ABS_TOLERANCE);
      }
      System.out.printf(
          "%s: %d cuts, output RMS %.3f, max abs diff %.3g%n",
          a.name(), a.cuts().size(), rms, worst);
    }
  }
}
