package io.bdt.dnn.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnxruntime.OrtEnvironment;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bdt.dnn.graph.CutPoint;
import io.bdt.dnn.graph.GraphAnalysis;
import io.bdt.dnn.graph.GraphAnalyzer;
import io.bdt.dnn.onnx.OnnxModels;
import io.bdt.dnn.onnx.proto.Onnx.ModelProto;
import io.bdt.dnn.onnx.proto.Onnx.TensorProto;
import io.bdt.dnn.split.CutCheck;
import io.bdt.dnn.split.SplitVerifier;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Real published models split at every cut and verified against the whole model (1e-5 absolute or
 * 1e-4 relative, whichever is larger): a PyTorch-exported suite of timm architectures and a
 * transformers encoder at opsets 9 to the exporter's newest plus ONNX Runtime-quantized versions
 * ({@code src/test/python/export_models.py}, random weights), a YOLO-style detector built in
 * PyTorch ({@code export_detection.py}, random weights), Silero VAD as shipped in the npm package
 * {@code @ricky0123/vad-web}, the IS-Net background-removal models img.ly publishes in its npm
 * package background-removal-data (the quantized one at every cut; the fp16 one at full offload and
 * fully local, see its test). Everything is fetched or generated on first run and cached in {@code
 * ~/.cache/bdt-dnn}; the table goes to target/real-models.md (docs/dnn.md quotes it).
 */
class RealModelsIT {

  private static final Path CACHE = GeneratedModels.CACHE;
  private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();
  private static final List<String> ROWS = new ArrayList<>();

  @Test
  @Timeout(value = 30, unit = TimeUnit.MINUTES)
  void everyCutOfEveryPyTorchExportedAndQuantizedModelReproducesTheWholeModel() throws Exception {
    Path dir =
        GeneratedModels.of(
            "export_models.py",
            "suite",
            List.of("torch", "timm", "transformers", "onnx", "onnxruntime", "onnxscript"),
            1500);
    JsonNode manifest = GeneratedModels.manifest(dir);
    assertThat(manifest.size()).isGreaterThanOrEqualTo(9);
    for (JsonNode entry : manifest) {
      verifyEveryCut(
          dir.resolve(entry.get("file").asText()),
          entry.get("model").asText(),
          entry.get("exporter").asText(),
          GeneratedModels.inputs(entry),
          Map.of(),
          GraphAnalyzer.DEFAULT_MAX_CUT_TENSORS);
    }
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.MINUTES)
  void everyCutOfAYoloStyleDetectorWithUpsamplingNeckReproducesTheWholeModel() throws Exception {
    Path file = GeneratedModels.detector();
    JsonNode entry = GeneratedModels.manifest(file.getParent()).get(0);
    verifyEveryCut(
        file,
        entry.get("model").asText(),
        entry.get("exporter").asText(),
        GeneratedModels.inputs(entry),
        Map.of(),
        GraphAnalyzer.DEFAULT_MAX_CUT_TENSORS);
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void sileroVadFromItsNpmPackageSplitsAroundItsControlFlow() throws Exception {
    Path dist = npmPackage("@ricky0123/vad-web", "0.0.31").resolve("dist");
    TensorProto sampleRate =
        TensorProto.newBuilder()
            .setName("sr")
            .setDataType(TensorProto.DataType.INT64_VALUE)
            .addInt64Data(16000)
            .build();
    verifyEveryCut(
        dist.resolve("silero_vad_v5.onnx"),
        "Silero VAD v5 (@ricky0123/vad-web 0.0.31)",
        "spox (as published)",
        Map.of("input", List.of(1L, 512L), "state", List.of(2L, 1L, 128L)),
        Map.of("sr", sampleRate),
        4);
    verifyEveryCut(
        dist.resolve("silero_vad_legacy.onnx"),
        "Silero VAD legacy (@ricky0123/vad-web 0.0.31)",
        "pytorch (as published)",
        Map.of("input", List.of(1L, 512L), "h", List.of(2L, 1L, 64L), "c", List.of(2L, 1L, 64L)),
        Map.of("sr", sampleRate),
        4);
  }

  @Test
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  void isNetQuantizedFromItsNpmPackageReproducesTheWholeModelAtEveryCut() throws Exception {
    verifyCuts(
        isNet("small"),
        "IS-Net quint8 (@imgly/background-removal-data 1.4.5, small)",
        "onnx.quantize 0.1.0, as published",
        Map.of(),
        Map.of(),
        4,
        ISNET_VERIFIED_CUTS);
  }

  /**
   * The fp16 IS-Net: ONNX Runtime's CPU provider runs its Conv/Relu in float32 and never rounds the
   * tensors between them to float16, so its inner cuts carry their float16 tensors as float32
   * ({@code Fp32Carrier}); every cut then reproduces the whole model. Node order also showed here:
   * with the Constant nodes first and the rest in Kahn's order, the cut-0 tail differed from the
   * whole model by 2.7e-3, so cut 0 and the fully local cut must be bit-exact.
   */
  @Test
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  void isNetFp16ReproducesTheWholeModelAtEveryCut() throws Exception {
    List<CutCheck> checks =
        verifyCuts(
            isNet("medium"),
            "IS-Net fp16 (@imgly/background-removal-data 1.4.5, medium)",
            "pytorch 2.0.1 + float16 conversion, as published",
            Map.of(),
            Map.of(),
            GraphAnalyzer.DEFAULT_MAX_CUT_TENSORS,
            ISNET_VERIFIED_CUTS);
    // the spread starts at cut 0 and ends at the fully local cut
    assertThat(checks.getFirst().cut().id()).isZero();
    assertThat(checks.getFirst().maxAbsDiff()).as("cut 0").isZero();
    assertThat(checks.getLast().maxAbsDiff()).as("fully local").isZero();
  }

  @AfterAll
  static void writeTable() throws IOException {
    StringBuilder table =
        new StringBuilder(
            "| model | exporter | opset | nodes | cuts | cuts verified | worst abs diff | worst diff / allowed |\n"
                + "|---|---|---|---|---|---|---|---|\n");
    ROWS.forEach(r -> table.append(r).append('\n'));
    Files.writeString(Path.of("target/real-models.md"), table);
    System.out.print(table);
  }

  /**
   * Cuts checked per model: every cut up to this many, else this many spread evenly from full
   * offload to fully local. Constant folding gave the exported models up to 344 cuts (ViT); {@code
   * ./bdt dnn verify} checks every one, the suite a spread that keeps it within CI's time.
   */
  private static final int MAX_VERIFIED_CUTS = 40;

  /** The 1024x1024 IS-Net models take seconds per cut on the shared 2-core machine. */
  private static final int ISNET_VERIFIED_CUTS = 12;

  private static void verifyEveryCut(
      Path file,
      String name,
      String exporter,
      Map<String, List<Long>> inputs,
      Map<String, TensorProto> samples,
      int maxCutTensors)
      throws Exception {
    verifyCuts(file, name, exporter, inputs, samples, maxCutTensors, MAX_VERIFIED_CUTS);
  }

  /** Ids of at most {@code max} cuts of {@code count}, spread evenly, first and last included. */
  static List<Integer> spread(int count, int max) {
    if (count <= max) {
      return java.util.stream.IntStream.range(0, count).boxed().toList();
    }
    return java.util.stream.IntStream.range(0, max)
        .mapToObj(i -> (int) Math.round(i * (count - 1) / (double) (max - 1)))
        .distinct()
        .toList();
  }

  /** Checks the {@link #spread} of {@code maxVerified} cuts and returns the checks in cut order. */
  private static List<CutCheck> verifyCuts(
      Path file,
      String name,
      String exporter,
      Map<String, List<Long>> inputs,
      Map<String, TensorProto> samples,
      int maxCutTensors,
      int maxVerified)
      throws Exception {
    ModelProto model = OnnxModels.read(file);
    GraphAnalysis a = GraphAnalyzer.analyze(model, inputs, maxCutTensors, samples);
    assertThat(a.cuts().size())
        .as("%s has a cut besides full offload and fully local", name)
        .isGreaterThan(2);
    double worstAbs = 0;
    double worstRatio = 0;
    List<Integer> checked = spread(a.cuts().size(), maxVerified);
    List<CutCheck> checks = new ArrayList<>();
    try (SplitVerifier v = new SplitVerifier(ENV, a, 2026, samples)) {
      for (int id : checked) {
        CutPoint cut = a.cut(id);
        CutCheck check = v.check(cut.id());
        checks.add(check);
        worstAbs = Math.max(worstAbs, check.maxAbsDiff());
        worstRatio = Math.max(worstRatio, check.worstRatio());
        assertThat(check.passes())
            .as(
                "%s cut %d (%s): max abs diff %g, ratio %g",
                name, cut.id(), cut.label(), check.maxAbsDiff(), check.worstRatio())
            .isTrue();
      }
    }
    ROWS.add(row(name, exporter, model, a, checked.size(), worstAbs, worstRatio));
    return checks;
  }

  private static String row(
      String name,
      String exporter,
      ModelProto model,
      GraphAnalysis a,
      int verified,
      double worstAbs,
      double worstRatio) {
    long opset =
        model.getOpsetImportList().stream()
            .filter(o -> o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx"))
            .mapToLong(o -> o.getVersion())
            .findFirst()
            .orElse(0);
    return String.format(
        "| %s | %s | %d | %d | %d | %d | %.2g | %.2g |",
        name,
        exporter,
        opset,
        model.getGraph().getNodeCount(),
        a.cuts().size(),
        verified,
        worstAbs,
        worstRatio);
  }

  /**
   * IS-Net model {@code size} ({@code small} or {@code medium}) of img.ly's npm package
   * background-removal-data 1.4.5, whose {@code resources.json} lists each file as chunks named by
   * their SHA-256: joined once (each chunk's hash and offsets checked) and cached.
   */
  private static Path isNet(String size) throws Exception {
    Path file = CACHE.resolve("isnet-1.4.5-" + size + ".onnx");
    if (Files.exists(file)) {
      return file;
    }
    Path dist = npmPackage("@imgly/background-removal-data", "1.4.5").resolve("dist");
    JsonNode entry =
        new ObjectMapper().readTree(dist.resolve("resources.json").toFile()).get("/models/" + size);
    assertThat(entry).as("resources.json lists /models/%s", size).isNotNull();
    Path partial = CACHE.resolve(file.getFileName() + ".partial");
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    long offset = 0;
    try (OutputStream out = Files.newOutputStream(partial)) {
      for (JsonNode chunk : entry.get("chunks")) {
        String hash = chunk.get("hash").asText();
        byte[] bytes = Files.readAllBytes(dist.resolve(hash));
        assertThat(HexFormat.of().formatHex(sha.digest(bytes)))
            .as("chunk %s", hash)
            .isEqualTo(hash);
        assertThat(chunk.get("offsets").get(0).asLong()).isEqualTo(offset);
        offset += bytes.length;
        assertThat(chunk.get("offsets").get(1).asLong()).isEqualTo(offset);
        out.write(bytes);
      }
    }
    assertThat(offset).isEqualTo(entry.get("size").asLong());
    Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
    return file;
  }

  /** The npm package's unpacked folder, fetched once with {@code npm pack} and cached. */
  private static Path npmPackage(String name, String version) throws Exception {
    Path dir = CACHE.resolve("npm").resolve(name.replace('/', '+') + "-" + version);
    if (!Files.exists(dir.resolve("package/package.json"))) {
      Files.createDirectories(dir);
      Process pack =
          new ProcessBuilder(
                  "npm",
                  "pack",
                  "--silent",
                  name + "@" + version,
                  "--pack-destination",
                  dir.toString())
              .redirectErrorStream(true)
              .start();
      String out = new String(pack.getInputStream().readAllBytes()).strip();
      assumeTrue(
          pack.waitFor(15, TimeUnit.MINUTES) && pack.exitValue() == 0,
          () -> "npm pack " + name + "@" + version + " failed here: " + out);
      String tgz = out.lines().reduce((x, y) -> y).orElseThrow();
      Process tar =
          new ProcessBuilder("tar", "xzf", dir.resolve(tgz).toString(), "-C", dir.toString())
              .inheritIO()
              .start();
      assertThat(tar.waitFor(10, TimeUnit.MINUTES) && tar.exitValue() == 0).isTrue();
      Files.delete(dir.resolve(tgz));
    }
    return dir.resolve("package");
  }
}
