package io.bdt.gateway.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.dnn.graph.CutPoint;
import io.bdt.dnn.graph.GraphAnalysis;
import io.bdt.dnn.graph.GraphAnalyzer;
import io.bdt.dnn.vibration.VibrationModel;
import io.bdt.optimizer.cost.BuiltinModels;
import io.bdt.optimizer.cost.CostTable;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The optimizer's built-in {@code vibration} cost table (used by {@code ./bdt simulate} scenarios)
 * is written from layer shapes in the optimizer module, which cannot see the dnn module; the
 * gateway plans with the dnn analysis of the real ONNX classifier. This test is where the two meet:
 * it fails when either side changes without the other.
 */
class BuiltinVibrationTableTest {

  @Test
  void builtinTableEqualsTheAnalysisOfTheRealClassifier() {
    GraphAnalysis analysis =
        GraphAnalyzer.analyze(VibrationModel.train(VibrationModel.DEFAULT_SEED).toOnnx(), Map.of());
    CostTable builtin = BuiltinModels.get("vibration");

    assertThat(builtin.inputBits()).isEqualTo((double) analysis.inputBits());
    assertThat(builtin.outputBits()).isEqualTo((double) analysis.outputBits());
    List<CutPoint> cuts = analysis.cuts();
    assertThat(builtin.cuts()).hasSameSizeAs(cuts);
    for (int k = 0; k < cuts.size(); k++) {
      CutPoint real = cuts.get(k);
      CostTable.Cut mirrored = builtin.cut(k);
      assertThat(mirrored.headFlops())
          .as("head FLOPs of cut %d", k)
          .isEqualTo((double) real.headFlops());
      assertThat(mirrored.tailFlops())
          .as("tail FLOPs of cut %d", k)
          .isEqualTo((double) real.tailFlops());
      assertThat(mirrored.bits()).as("bits of cut %d", k).isEqualTo((double) real.bits());
    }
  }
}
