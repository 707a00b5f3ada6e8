package io.bdt.ap.offload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bdt.dnn.codec.ModelHash;
import io.bdt.dnn.graph.GraphAnalyzer;
import io.bdt.dnn.registry.ModelRegistry;
import io.bdt.dnn.zoo.ModelZoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Warming the tails ahead of the first task, on the real vibration classifier. */
class TailModelsTest {

  @Test
  void warmOpensEveryOffloadableTailForEveryThreadCount(@TempDir Path cache) throws Exception {
    int cuts = GraphAnalyzer.analyze(ModelZoo.named("vibration").build(), Map.of()).cuts().size();
    ModelHash vibration = OffloadLaneTest.VIBRATION;
    try (TailModels tails = new TailModels(cache, ModelRegistry.of(List.of("vibration")), 4, 64)) {
      assertThat(tails.isOpen(vibration, 0, 1)).isFalse();

      int warmed = tails.warm("vibration", 2);

      assertThat(warmed).isEqualTo((cuts - 1) * 2);
      for (int k = 0; k < cuts - 1; k++) {
        assertThat(tails.isOpen(vibration, k, 1)).as("cut %d, 1 thread", k).isTrue();
        assertThat(tails.isOpen(vibration, k, 2)).as("cut %d, 2 threads", k).isTrue();
        assertThat(cache.resolve(vibration.hex() + "/cut-" + k + ".onnx")).exists();
      }
      assertThat(tails.isOpen(vibration, 0, 3)).isFalse();
      assertThat(Files.exists(cache.resolve(vibration.hex() + "/cut-" + (cuts - 1) + ".onnx")))
          .isFalse();
    }
  }

  @Test
  void warmNamesTheUnknownModel(@TempDir Path cache) throws Exception {
    try (TailModels tails = new TailModels(cache, ModelRegistry.of(List.of("vibration")), 4, 64)) {
      assertThatThrownBy(() -> tails.warm("vibraton", 1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("no registered model is called 'vibraton'");
    }
  }

  @Test
  void warmRejectsZeroThreads(@TempDir Path cache) throws Exception {
    try (TailModels tails = new TailModels(cache, ModelRegistry.of(List.of("vibration")), 4, 64)) {
      assertThatThrownBy(() -> tails.warm("vibration", 0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("maxThreads");
    }
  }
}
