package io.bdt.gateway.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.dnn.vibration.VibrationGenerator;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Warming the gateway's heads ahead of the first task, on the real vibration classifier. */
class SplitHeadsTest {

  @Test
  void warmOpensTheHeadOfEveryCutWithAHead(@TempDir Path models) throws Exception {
    try (SplitHeads heads = SplitHeads.vibration(models, 1)) {
      int last = heads.fullyLocalCut();
      assertThat(heads.isOpen(last)).isFalse();

      int warmed = heads.warm(VibrationGenerator.WINDOW);

      assertThat(warmed).isEqualTo(last);
      assertThat(heads.isOpen(0)).as("cut 0 sends the window: no head").isFalse();
      for (int k = 1; k <= last; k++) {
        assertThat(heads.isOpen(k)).as("cut %d", k).isTrue();
      }
      assertThat(models.resolve("vibration-seed1/cut-1/head.onnx")).exists();
    }
  }
}
