package io.bdt.gateway.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.dnn.vibration.VibrationGenerator;
import io.bdt.optimizer.cost.CostTable;
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

      int warmed = heads.warm();

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

  @Test
  void aZooImageModelsHeadsTakeAWholeFrameAndNameTheModelInTheirFrames(@TempDir Path models)
      throws Exception {
    try (SplitHeads heads = SplitHeads.of("mobilenetv2", models, 1)) {
      assertThat(heads.modelName()).isEqualTo("mobilenetv2");
      assertThat(heads.inputLength()).isEqualTo(3 * 224 * 224);
      assertThat(heads.fullyLocalCut()).isGreaterThan(CostTable.WARM_ALL_CUTS);

      int warmed = heads.warm();

      java.util.List<Integer> deployed = heads.costTable().deployedCuts();
      assertThat(deployed).as("153 heads would hold a gigabyte").hasSizeLessThan(12);
      // the deployed cuts but cut 0 (no head) are open and warm; the others open on first use
      assertThat(warmed).isEqualTo(deployed.size() - 1);
      assertThat(deployed.stream().filter(k -> k > 0)).allMatch(heads::isOpen);
      assertThat(heads.isOpen(30)).isFalse();
      assertThat(heads.open(deployed.get(1))).as("warm: no cold start").isZero();
      assertThat(heads.open(30)).as("cut 30 opens now: a cold start").isPositive();
      assertThat(heads.open(30)).isZero();
      float[] frame = new float[heads.inputLength()];
      var sent = heads.head(0, frame);
      assertThat(sent.modelId()).isEqualTo("mobilenetv2");
      assertThat(sent.modelHash()).isEqualTo(heads.modelHash());
      assertThat(heads.head(30, frame).cut()).isEqualTo(30);
      assertThat(heads.isOpen(30)).isTrue();
      assertThat(heads.local(frame)).hasSize(1000);
      assertThat(heads.label(7)).as("no labels metadata: the index").isEqualTo("7");
    }
  }
}
