package io.bdt.optimizer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.bdt.optimizer.report.ReportDirectory;
import io.bdt.optimizer.report.SimulationSummary;
import io.bdt.optimizer.sim.Algorithms;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SimulationCommandsTest {

  private record Result(int exitCode, String out, String err) {}

  private static Result run(Object command, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = new CommandLine(command);
    commandLine.setOut(new PrintWriter(out));
    commandLine.setErr(new PrintWriter(err));
    int exit = commandLine.execute(args);
    return new Result(exit, out.toString(), err.toString());
  }

  @Test
  void simulateWritesCsvSummaryAndChartsForTheDefaultScenario(@TempDir Path dir) throws Exception {
    Result result =
        run(
            new SimulateCommand(),
            "--scenario",
            "default",
            "--slots",
            "20",
            "--seed",
            "3",
            "--sweep-slots",
            "4",
            "--out",
            dir.toString());

    assertThat(result.exitCode()).as(result.err()).isZero();
    List<String> csv = Files.readAllLines(dir.resolve("slots.csv"));
    assertThat(csv).hasSize(1 + 20 * 7);
    assertThat(csv.get(0)).startsWith("slot,algorithm,latency_s").contains("R_4,Q_1");

    JsonNode summary = SimulationSummary.mapper().readTree(dir.resolve("summary.json").toFile());
    assertThat(summary.get("slots").asInt()).isEqualTo(20);
    assertThat(summary.get("seed").asLong()).isEqualTo(3);
    assertThat(summary.get("scenario").get("gateways").asInt()).isEqualTo(10);
    List<String> names = new ArrayList<>();
    summary.get("algorithms").forEach(a -> names.add(a.get("name").asText()));
    assertThat(names).containsExactlyElementsOf(Algorithms.NAMES);
    for (JsonNode algorithm : summary.get("algorithms")) {
      assertThat(algorithm.get("perApTimeAverageReputation")).hasSize(4);
      assertThat(algorithm.has("meanLatencySeconds")).isTrue();
      assertThat(algorithm.has("minTimeAverageReputation")).isTrue();
      assertThat(algorithm.has("constraintSatisfied")).isTrue();
      assertThat(algorithm.has("meanConsensusLatencySeconds")).isTrue();
      assertThat(algorithm.has("meanBacklog")).isTrue();
    }
    assertThat(summary.get("sweeps").get("v").get("points").size()).isGreaterThanOrEqualTo(6);

    for (String chart : ReportDirectory.CHARTS) {
      BufferedImage image = ImageIO.read(dir.resolve(chart).toFile());
      assertThat(image).as(chart).isNotNull();
      assertThat(image.getWidth()).isEqualTo(900);
      assertThat(image.getHeight()).isEqualTo(500);
    }
    assertThat(result.out()).contains("DPRA").contains("NEUROSURGEON");
  }

  @Test
  void simulateRejectsAnInvalidScenarioNamingFieldAndRuleWithoutAStackTrace(@TempDir Path dir)
      throws Exception {
    Path scenario = dir.resolve("bad.json");
    Files.writeString(scenario, "{\"bandwidthHz\": -1}");

    Result result =
        run(new SimulateCommand(), "--scenario", scenario.toString(), "--out", dir.toString());

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("scenario.bandwidthHz").contains("must be > 0");
    assertThat(result.err()).doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(dir.resolve("summary.json")).doesNotExist();
  }

  @Test
  void simulateReportsAMissingScenarioFile(@TempDir Path dir) {
    Result result =
        run(
            new SimulateCommand(),
            "--scenario",
            dir.resolve("nope.json").toString(),
            "--out",
            dir.toString());
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("nope.json").doesNotContain("\tat ");
  }

  @Test
  void comparePrintsOneRankedLinePerAlgorithmAndWritesCsv(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("compare.csv");
    Result result =
        run(new CompareCommand(), "--slots", "15", "--seed", "2", "--out", csv.toString());

    assertThat(result.exitCode()).as(result.err()).isZero();
    for (String name : Algorithms.NAMES) {
      assertThat(result.out()).containsPattern("(?m)^" + name + " ");
    }
    List<String> lines = Files.readAllLines(csv);
    assertThat(lines).hasSize(8);
    assertThat(lines.get(0)).startsWith("algorithm,mean_latency_s");
  }

  @Test
  void compareRejectsNonPositiveSlotsAndThreadsWithoutAStackTrace() {
    Result slots = run(new CompareCommand(), "--slots", "0");
    assertThat(slots.exitCode()).isEqualTo(2);
    assertThat(slots.err()).contains("--slots must be >= 1").doesNotContain("\tat ");
    Result threads = run(new CompareCommand(), "--threads", "0");
    assertThat(threads.exitCode()).isEqualTo(2);
    assertThat(threads.err()).contains("--threads must be >= 1");
  }
}
