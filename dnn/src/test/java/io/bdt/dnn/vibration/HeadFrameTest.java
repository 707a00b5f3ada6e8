package io.bdt.dnn.vibration;

import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.dnn.codec.Frame;
import io.bdt.dnn.codec.FrameCodec;
import io.bdt.dnn.codec.ModelHash;
import io.bdt.dnn.codec.Tensor;
import io.bdt.dnn.graph.CutPoint;
import io.bdt.dnn.graph.GraphAnalyzer;
import io.bdt.dnn.onnx.proto.Onnx.ModelProto;
import io.bdt.dnn.zoo.ModelZoo;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HeadFrameTest {

  private static final ModelProto MODEL = ModelZoo.named("vibration").build();
  private static final int CUT = 5;

  @Test
  void carriesTheHeadOutputAtTheCutAsTheCutsTensor() throws Exception {
    float[] window = new VibrationGenerator(7).next(MachineState.BEARING_FAULT).samples();
    Frame frame = FrameCodec.decode(HeadFrame.encode(MODEL, CUT, window));
    CutPoint cut = GraphAnalyzer.analyze(MODEL, Map.of()).cut(CUT);
    assertThat(frame.modelId()).isEqualTo(MODEL.getGraph().getName());
    assertThat(frame.modelHash()).isEqualTo(ModelHash.of(MODEL));
    assertThat(frame.cut()).isEqualTo(CUT);
    assertThat(frame.tensors()).hasSize(1);
    Tensor crossing = frame.tensors().getFirst();
    assertThat(crossing.name()).isEqualTo(cut.tensorNames().getFirst());
    assertThat((long) crossing.elementCount()).isEqualTo(cut.tensors().getFirst().elements());
  }

  @Test
  void windowsOfDifferentStatesGiveDifferentHeadOutputs() throws Exception {
    VibrationGenerator generator = new VibrationGenerator(8);
    float[] normal = generator.next(MachineState.NORMAL).samples();
    float[] imbalance = generator.next(MachineState.IMBALANCE).samples();
    float[] a = FrameCodec.decode(HeadFrame.encode(MODEL, CUT, normal)).tensors().get(0).values();
    float[] b =
        FrameCodec.decode(HeadFrame.encode(MODEL, CUT, imbalance)).tensors().get(0).values();
    assertThat(a).isNotEqualTo(b);
  }

  @Test
  void atCutZeroTheWindowItselfCrosses() throws Exception {
    float[] window = new VibrationGenerator(9).next(MachineState.NORMAL).samples();
    Frame frame = FrameCodec.decode(HeadFrame.encode(MODEL, 0, window));
    assertThat(frame.cut()).isZero();
    assertThat(frame.tensors().getFirst().name()).isEqualTo(VibrationModel.INPUT);
    assertThat(frame.tensors().getFirst().shape()).containsExactly(1, window.length);
    assertThat(frame.tensors().getFirst().values()).containsExactly(window);
  }
}
