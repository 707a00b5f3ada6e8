package io.bdt.dnn.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bdt.dnn.codec.ModelHash;
import io.bdt.dnn.onnx.GraphBuilder;
import io.bdt.dnn.onnx.OnnxModels;
import io.bdt.dnn.onnx.proto.Onnx.ModelProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Models named by the SHA-256 of their bytes: registration, lookup, refusals. */
@Timeout(60)
class ModelRegistryTest {

  /** A one-Gemm model called {@code name} whose weights depend on {@code seed}. */
  private static ModelProto tiny(String name, float seed) {
    GraphBuilder g = new GraphBuilder(name);
    String x = g.input("x", 1, 2);
    String w = g.initializer("w", new float[] {seed, 2, 3, 4, -5, -6}, 3, 2);
    g.output(g.node("Gemm", "fc", List.of(x, w), GraphBuilder.intAttr("transB", 1)), 1, 3);
    return g.build();
  }

  private static Path write(Path dir, String file, ModelProto model) throws Exception {
    Path path = dir.resolve(file);
    OnnxModels.write(model, path);
    return path;
  }

  @Test
  void fileModelIsNamedByTheSha256OfItsBytes(@TempDir Path dir) throws Exception {
    Path file = write(dir, "a.onnx", tiny("tiny", 1));
    ModelRegistry registry = ModelRegistry.of(List.of(file.toString()));

    String sha256sum =
        HexFormat.of()
            .formatHex(
                java.security.MessageDigest.getInstance("SHA-256")
                    .digest(Files.readAllBytes(file)));
    assertThat(registry.entries())
        .containsExactly(
            new ModelRegistry.Entry(new ModelHash(sha256sum), "tiny", file.toString()));
    assertThat(registry.load(new ModelHash(sha256sum))).isEqualTo(tiny("tiny", 1));
  }

  @Test
  void directoryRegistersEveryOnnxFileAndTheSameBytesOnce(@TempDir Path dir) throws Exception {
    write(dir, "a.onnx", tiny("tiny", 1));
    write(dir, "b.onnx", tiny("tiny", 7));
    write(dir, "copy-of-a.onnx", tiny("tiny", 1));
    Files.writeString(dir.resolve("notes.txt"), "not a model");

    ModelRegistry registry = ModelRegistry.of(List.of(dir.toString()));

    assertThat(registry.entries()).hasSize(2);
    assertThat(registry.entries().stream().map(ModelRegistry.Entry::hash))
        .containsExactlyInAnyOrder(ModelHash.of(tiny("tiny", 1)), ModelHash.of(tiny("tiny", 7)));
  }

  @Test
  void zooModelIsRegisteredByTheHashOfItsBuild() throws Exception {
    ModelRegistry registry = ModelRegistry.of(List.of("mobilenetv2"));
    ModelHash hash = ModelHash.of(io.bdt.dnn.zoo.ModelZoo.named("mobilenetv2").build());
    assertThat(registry.resolve("mobilenetv2", hash).source()).isEqualTo("zoo:mobilenetv2");
    assertThat(registry.named("mobilenetv2")).map(ModelRegistry.Entry::hash).contains(hash);
  }

  @Test
  void sameNameWithOtherWeightsIsAMismatch(@TempDir Path dir) throws Exception {
    ModelRegistry registry =
        ModelRegistry.of(List.of(write(dir, "a.onnx", tiny("tiny", 1)).toString()));
    ModelHash other = ModelHash.of(tiny("tiny", 7));

    assertThatThrownBy(() -> registry.resolve("tiny", other))
        .isInstanceOfSatisfying(
            ModelRefused.class,
            e -> assertThat(e.reason()).isEqualTo(ModelRefused.Reason.MODEL_MISMATCH))
        .hasMessageContaining(other.toString())
        .hasMessageContaining(ModelHash.of(tiny("tiny", 1)).shortHex());
  }

  @Test
  void unknownNameAndHashIsUnknown(@TempDir Path dir) throws Exception {
    ModelRegistry registry =
        ModelRegistry.of(List.of(write(dir, "a.onnx", tiny("tiny", 1)).toString()));
    ModelHash other = ModelHash.of(tiny("other", 1));

    assertThatThrownBy(() -> registry.resolve("other", other))
        .isInstanceOfSatisfying(
            ModelRefused.class,
            e -> assertThat(e.reason()).isEqualTo(ModelRefused.Reason.UNKNOWN_MODEL))
        .hasMessageContaining("unknown model 'other'");
    assertThatThrownBy(() -> registry.load(other)).isInstanceOf(ModelRefused.class);
  }

  @Test
  void fileChangedAfterRegistrationIsRefusedOnLoad(@TempDir Path dir) throws Exception {
    Path file = write(dir, "a.onnx", tiny("tiny", 1));
    ModelRegistry registry = ModelRegistry.of(List.of(file.toString()));
    write(dir, "a.onnx", tiny("tiny", 7));

    assertThatThrownBy(() -> registry.load(ModelHash.of(tiny("tiny", 1))))
        .isInstanceOfSatisfying(
            ModelRefused.class,
            e -> assertThat(e.reason()).isEqualTo(ModelRefused.Reason.MODEL_MISMATCH))
        .hasMessageContaining("changed");
  }

  @Test
  void entryThatIsNoModelIsNamed() {
    assertThatThrownBy(() -> ModelRegistry.of(List.of("no-such-model")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'no-such-model' is no zoo model, ONNX file or directory");
  }

  @Test
  void hashMustBeSixtyFourHexDigits() {
    assertThatThrownBy(() -> new ModelHash("abc")).hasMessageContaining("64 lower-case hex");
    assertThat(ModelHash.of(tiny("tiny", 1)).bytes()).hasSize(32);
    assertThat(Map.of(ModelHash.of(tiny("t", 1)), 1)).containsKey(ModelHash.of(tiny("t", 1)));
  }
}
