package io.bdt.dnn.vibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.bdt.dnn.onnx.proto.Onnx.ModelProto;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class VibrationModelTest {

  private static VibrationModel model;
  private static ModelProto onnx;
  private static List<VibrationWindow> heldOut;

  @BeforeAll
  static void train() {
    model = VibrationModel.train(VibrationModel.DEFAULT_SEED);
    onnx = model.toOnnx();
    heldOut = new VibrationGenerator(VibrationModel.HELD_OUT_SEED).dataset(500);
  }

  private static float[] runInOrt(ModelProto m, float[] input) throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession s = env.createSession(m.toByteArray());
        OnnxTensor x =
            OnnxTensor.createTensor(env, FloatBuffer.wrap(input), new long[] {1, input.length});
        OrtSession.Result r = s.run(Map.of(s.getInputNames().iterator().next(), x))) {
      return ((float[][]) r.get(0).getValue())[0];
    }
  }

  @Test
  void exportedModelClassifiesHeldOutSetInOnnxRuntimeAtLeast95Percent() throws Exception {
    ConfusionMatrix confusion = OnnxClassifierRun.evaluate(onnx, heldOut);
    System.out.println(confusion.toMarkdown());
    assertThat(confusion.total()).isEqualTo(2000);
    assertThat(confusion.accuracy()).isGreaterThanOrEqualTo(0.95);
    for (MachineState s : MachineState.ORDER) {
      assertThat(confusion.recall(s)).as(s.label()).isGreaterThanOrEqualTo(0.9);
    }
  }

  @Test
  void retrainingWithTheSameSeedGivesTheSameModelBytes() {
    assertThat(VibrationModel.train(VibrationModel.DEFAULT_SEED).toOnnx().toByteArray())
        .isEqualTo(onnx.toByteArray());
  }

  @Test
  void onnxModelDeclaresWindowInputProbabilitiesOutputAndLabels() {
    assertThat(onnx.getGraph().getInput(0).getName()).isEqualTo("window");
    assertThat(onnx.getGraph().getInput(0).getType().getTensorType().getShape().getDimList())
        .extracting(d -> d.getDimValue())
        .containsExactly(1L, 1024L);
    assertThat(onnx.getGraph().getOutput(0).getName()).isEqualTo("probabilities");
    assertThat(onnx.getMetadataPropsList())
        .anySatisfy(
            e -> {
              assertThat(e.getKey()).isEqualTo("labels");
              assertThat(e.getValue()).isEqualTo("normal,imbalance,misalignment,bearing_fault");
            });
    assertThat(onnx.getGraph().getNodeList()).hasSize(VibrationModel.LAYERS.size());
  }

  @Test
  void onnxRuntimeAgreesWithTheJavaForwardPass() throws Exception {
    for (VibrationWindow w : heldOut.subList(0, 40)) {
      float[] ort = runInOrt(onnx, w.samples());
      double[] java = model.probabilities(w.samples());
      for (int c = 0; c < java.length; c++) {
        assertThat((double) ort[c]).isCloseTo(java[c], org.assertj.core.data.Offset.offset(1e-3));
      }
    }
  }

  @Test
  void headThenTailAtEveryLayerBoundaryGivesTheWholeModelsOutput() throws Exception {
    float[] x = heldOut.get(3).samples();
    float[] whole = runInOrt(onnx, x);
    for (int cut = 1; cut < VibrationModel.LAYERS.size(); cut++) {
      float[] intermediate = runInOrt(model.toOnnx(0, cut), x);
      float[] out = runInOrt(model.toOnnx(cut, VibrationModel.LAYERS.size()), intermediate);
      assertThat(out)
          .as("cut %d", cut)
          .containsExactly(whole, org.assertj.core.data.Offset.offset(1e-6f));
    }
  }

  @Test
  void rejectsEmptyOrOutOfRangeLayerRange() {
    assertThatThrownBy(() -> model.toOnnx(3, 3)).hasMessageContaining("layer range");
    assertThatThrownBy(() -> model.toOnnx(0, 12)).hasMessageContaining("layer range");
  }
}
