package io.bdt.optimizer.cost;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CostTableCommandTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine command = new CommandLine(new CostTableCommand());
    command.setOut(new PrintWriter(out));
    command.setErr(new PrintWriter(err));
    return command.execute(args);
  }

  @Test
  void listsEveryBuiltinModelWithItsTotals() {
    assertThat(run()).isZero();
    assertThat(out.toString())
        .contains("resnet18")
        .contains("3,638,007,272")
        .contains("4,816,896")
        .contains("vibration");
  }

  @Test
  void printsOneCutPerLine() {
    assertThat(run("resnet18")).isZero();
    assertThat(out.toString()).contains("resnet18: 15 cuts").contains("layer4.1");
  }

  @Test
  void writesJsonThatReadsBackAsTheSameTable(@TempDir Path dir) {
    Path file = dir.resolve("alexnet.json");
    assertThat(run("alexnet", "--out", file.toString())).isZero();
    assertThat(CostTableJson.read(file)).isEqualTo(BuiltinModels.get("alexnet"));
    assertThat(run(file.toString())).isZero();
    assertThat(out.toString()).contains("alexnet: 19 cuts");
  }

  @Test
  void rejectsAnUnknownModelWithStatusTwo() {
    assertThat(run("resnet50")).isEqualTo(2);
    assertThat(err.toString()).contains("unknown built-in model 'resnet50'");
  }
}
