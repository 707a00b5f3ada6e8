package io.bdt.dnn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bdt.dnn.graph.TestModels;
import io.bdt.dnn.onnx.GraphBuilder;
import io.bdt.dnn.onnx.OnnxModels;
import io.bdt.dnn.onnx.proto.Onnx.ModelProto;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DnnCommandTest {

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = new CommandLine(new DnnCommand());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  private Path save(ModelProto model, String name) throws Exception {
    Path file = dir.resolve(name);
    OnnxModels.write(model, file);
    return file;
  }

  @Test
  void inspectPrintsOneRowPerCut() throws Exception {
    Path model = save(TestModels.chain(), "chain.onnx");
    assertThat(run("inspect", model.toString())).isZero();
    assertThat(out.toString()).contains("6 cuts").contains("head FLOPs");
    assertThat(out.toString().lines().filter(l -> l.matches("\\s+\\d+\\s+.*"))).hasSize(6);
  }

  @Test
  void inspectJsonHasTheCostTableFields() throws Exception {
    Path model = save(TestModels.chain(), "chain.onnx");
    assertThat(run("inspect", model.toString(), "--json")).isZero();
    JsonNode table = new ObjectMapper().readTree(out.toString());
    assertThat(table.get("schemaVersion").asInt()).isEqualTo(1);
    assertThat(table.get("inputBits").asLong()).isEqualTo(3 * 64 * 32);
    assertThat(table.get("cuts")).hasSize(6);
    assertThat(table.get("cuts").get(1).get("label").asText()).isEqualTo("conv");
  }

  @Test
  void verifyPrintsOneJsonLinePerCutAndSucceeds() throws Exception {
    Path model = save(TestModels.residualSeConcat(), "dag.onnx");
    assertThat(run("verify", model.toString(), "--input", "x=2x4x6x6")).isZero();
    List<String> lines = out.toString().lines().toList();
    assertThat(lines).hasSizeGreaterThan(5);
    ObjectMapper json = new ObjectMapper();
    for (String line : lines) {
      JsonNode n = json.readTree(line);
      assertThat(n.has("cut") && n.has("headFlops") && n.has("tailFlops") && n.has("bits"))
          .isTrue();
      assertThat(n.get("maxAbsDiff").asDouble()).isLessThanOrEqualTo(1e-5);
    }
  }

  @Test
  void verifyFailsWhenTheModelHasNoCut() throws Exception {
    GraphBuilder g = new GraphBuilder("single");
    g.output(g.node("Relu", "relu", List.of(g.input("x", 1, 4))), 1, 4);
    Path model = save(g.build(), "single.onnx");
    assertThat(run("verify", model.toString())).isEqualTo(1);
    assertThat(err.toString()).contains("no cut found");
  }

  @Test
  void dynamicModelWithoutInputOptionIsRejectedNamingTheOption() throws Exception {
    Path model = save(TestModels.residualSeConcat(), "dag.onnx");
    assertThat(run("inspect", model.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("missing shape").contains("--input x=DIMS");
  }

  @Test
  void garbageFileIsRejectedAsBadFile() throws Exception {
    Path model = dir.resolve("garbage.onnx");
    Files.write(model, "this is not a model".getBytes());
    assertThat(run("inspect", model.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("error: bad file");
  }

  @Test
  void malformedDimsAreRejected() throws Exception {
    Path model = save(TestModels.residualSeConcat(), "dag.onnx");
    assertThat(run("inspect", model.toString(), "--input", "x=2xAx6x6")).isEqualTo(2);
    assertThat(err.toString()).contains("DIMS must be positive integers");
  }

  @Test
  void splitWritesHeadAndTailThatReadBack() throws Exception {
    Path model = save(TestModels.chain(), "chain.onnx");
    Path outDir = dir.resolve("split");
    assertThat(run("split", model.toString(), "--cut", "3", "--out", outDir.toString())).isZero();
    assertThat(OnnxModels.read(outDir.resolve("head.onnx")).getGraph().getOutput(0).getName())
        .isEqualTo("pool");
    assertThat(OnnxModels.read(outDir.resolve("tail.onnx")).getGraph().getInput(0).getName())
        .isEqualTo("pool");
  }

  @Test
  void splitAtAMissingCutNamesTheRange() throws Exception {
    Path model = save(TestModels.chain(), "chain.onnx");
    assertThat(run("split", model.toString(), "--cut", "9", "--out", dir.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("cut 9 does not exist: this model's cuts are 0..5");
  }

  @Test
  void zooWritesTheNamedModel() throws Exception {
    assertThat(run("zoo", "--out", dir.toString(), "--model", "mobilenetv2")).isZero();
    assertThat(OnnxModels.read(dir.resolve("mobilenetv2.onnx")).getGraph().getName())
        .isEqualTo("mobilenetv2");
  }
}
