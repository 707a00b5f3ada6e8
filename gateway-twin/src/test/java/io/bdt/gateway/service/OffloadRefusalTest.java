package io.bdt.gateway.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bdt.dnn.codec.FrameCodec;
import io.bdt.dnn.vibration.MachineState;
import io.bdt.dnn.vibration.VibrationGenerator;
import io.bdt.gateway.inference.ApClient;
import io.bdt.gateway.inference.OffloadRefused;
import io.bdt.gateway.inference.SplitHeads;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Keys;

/**
 * A gateway whose model has other weights than the AP's (another training seed) is refused with the
 * AP's reason, which the gateway's client carries out for the refusal counter.
 */
@Timeout(120)
class OffloadRefusalTest {

  private static final Map<String, String> HEADERS =
      Map.of(
          "X-Bdt-Task-Id", "0x" + "00".repeat(31) + "01",
          "X-Bdt-Slot", "1",
          "X-Bdt-Inference-Share", "1.0e10",
          "X-Bdt-Mining-Share", "1.0e9");

  @Test
  void frameOfAnotherSeedIsRefusedWithTheApsReason(@TempDir Path models) throws Exception {
    float[] window = new VibrationGenerator(5).next(MachineState.IMBALANCE).samples();
    try (SplitHeads seed1 = SplitHeads.vibration(models, 1);
        SplitHeads seed7 = SplitHeads.vibration(models, 7);
        TestAccessPoint ap = new TestAccessPoint(models.resolve("vibration-seed1/model.onnx"))) {
      assertThat(seed7.modelHash()).isNotEqualTo(seed1.modelHash());
      ApClient client =
          new ApClient(
              Keys.createEcKeyPair(), Clock.systemUTC(), javax.net.ssl.SSLContext.getDefault());

      assertThatThrownBy(
              () -> client.offload(ap.url(), FrameCodec.encode(seed7.head(5, window)), HEADERS))
          .isInstanceOfSatisfying(
              OffloadRefused.class, e -> assertThat(e.reason()).isEqualTo("MODEL_MISMATCH"))
          .hasMessageContaining("400");
      assertThat(
              client.offload(ap.url(), FrameCodec.encode(seed1.head(5, window)), HEADERS).label())
          .isEqualTo("imbalance");
    }
  }
}
