package io.bdt.dnn.vibration;

import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.dnn.codec.Encoding;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CodecEffectTest {

  private static List<CodecEffect.Row> rows;
  private static double unsplitAccuracy;

  @BeforeAll
  static void measure() throws Exception {
    VibrationModel model = VibrationModel.train(VibrationModel.DEFAULT_SEED);
    List<VibrationWindow> windows =
        new VibrationGenerator(VibrationModel.HELD_OUT_SEED).dataset(100);
    unsplitAccuracy = OnnxClassifierRun.evaluate(model.toOnnx(), windows).accuracy();
    rows = CodecEffect.measure(model, windows);
    System.out.println(CodecEffect.toMarkdown(rows));
  }

  @Test
  void everyCutButFullyLocalIsMeasuredAlongTheChain() {
    assertThat(rows).hasSize(VibrationModel.LAYERS.size());
    assertThat(rows.get(0).cut().label()).isEqualTo(VibrationModel.INPUT);
    assertThat(rows.get(1).cut().label()).isEqualTo("dft");
  }

  @Test
  void float32FramesKeepTheUnsplitAccuracyAtEveryCut() {
    assertThat(rows)
        .allSatisfy(r -> assertThat(r.accuracy().get(Encoding.FLOAT32)).isEqualTo(unsplitAccuracy));
  }

  @Test
  void float16FramesLoseAtMostOnePercentAtEveryCut() {
    assertThat(rows)
        .allSatisfy(
            r ->
                assertThat(r.accuracy().get(Encoding.FLOAT16))
                    .isGreaterThanOrEqualTo(unsplitAccuracy - 0.01));
  }

  @Test
  void narrowerEncodingsNeverGiveLargerFrames() {
    assertThat(rows)
        .allSatisfy(
            r -> {
              assertThat(r.frameBytes().get(Encoding.FLOAT16))
                  .isLessThan(r.frameBytes().get(Encoding.FLOAT32));
              // int8 carries a 4-byte scale, so a 4-element tensor ties with float16
              assertThat(r.frameBytes().get(Encoding.INT8))
                  .isLessThanOrEqualTo(r.frameBytes().get(Encoding.FLOAT16));
            });
  }
}
