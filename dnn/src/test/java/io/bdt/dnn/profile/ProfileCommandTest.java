package io.bdt.dnn.profile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bdt.dnn.onnx.OnnxModels;
import io.bdt.dnn.vibration.VibrationModel;
import io.bdt.dnn.vibration.VibrationZooModel;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ProfileCommandTest {

  @TempDir Path dir;

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new ProfileCommand());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void writesCostTableOfAnOnnxFileNamedAfterItsStem() throws Exception {
    Path model = dir.resolve("vibration.onnx");
    OnnxModels.write(new VibrationZooModel().build(), model);
    Path table = dir.resolve("out/vibration.json");
    Run r =
        run(
            model.toString(),
            "--threads",
            "1",
            "--warmup",
            "1",
            "--repeats",
            "3",
            "--statistic",
            "MIN",
            "--input",
            "window=1x1024",
            "--out",
            table.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode root = new ObjectMapper().readTree(Files.readString(table));
    assertThat(root.get("model").asText()).isEqualTo("vibration");
    assertThat(root.get("cuts").size()).isEqualTo(VibrationModel.LAYERS.size() + 1);
    assertThat(r.err()).contains("wrote");
    assertThat(root.get("metadata").get("statistic").asText()).isEqualTo("min");
  }

  @Test
  void rejectsMalformedInputShapeNamingTheOption() {
    Run r = run("whatever.onnx", "--input", "window=1xabc");
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("--input window=1xabc").contains("positive integer");
  }

  @Test
  void rejectsMissingOnnxFile() {
    Run r = run(dir.resolve("missing.onnx").toString());
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("no such file");
  }

  @Test
  void acceptsEncodingInAnyCaseAndRejectsUnknownOnes() {
    Run r = run("whatever.onnx", "--encoding", "bf16");
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("'bf16' is not an encoding");
    assertThat(new ProfileCommand.EncodingName().convert("int8"))
        .isEqualTo(io.bdt.dnn.codec.Encoding.INT8);
  }

  @Test
  void rejectsZeroThreads() {
    Run r = run("vibration", "--threads", "0");
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("threads");
  }
}
