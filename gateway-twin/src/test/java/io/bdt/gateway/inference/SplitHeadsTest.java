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

  @Test
  void framesCarryTheSha256OfTheModelFile(@TempDir Path models) throws Exception {
    try (SplitHeads heads = SplitHeads.vibration(models, 1);
        SplitHeads other = SplitHeads.vibration(models, 7)) {
      byte[] file = java.nio.file.Files.readAllBytes(models.resolve("vibration-seed1/model.onnx"));
      String sha256sum =
          java.util.HexFormat.of()
              .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(file));

      assertThat(heads.modelHash().hex()).isEqualTo(sha256sum);
      float[] window = new float[VibrationGenerator.WINDOW];
      assertThat(heads.head(0, window).modelHash()).isEqualTo(heads.modelHash());
      assertThat(heads.head(3, window).modelHash()).isEqualTo(heads.modelHash());
      assertThat(other.modelHash()).isNotEqualTo(heads.modelHash());
      // the default seed is the AP's default registered model: the same bytes, the same hash
      assertThat(heads.modelHash())
          .isEqualTo(
              io.bdt.dnn.codec.ModelHash.of(io.bdt.dnn.zoo.ModelZoo.named("vibration").build()));
    }
  }
}
