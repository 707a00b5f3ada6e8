package io.bdt.optimizer.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.bdt.optimizer.baseline.LocalOnly;
import io.bdt.optimizer.baseline.Neurosurgeon;
import io.bdt.optimizer.baseline.RandomCut;
import io.bdt.optimizer.sim.AlgorithmRun;
import io.bdt.optimizer.sim.AlgorithmSummary;
import io.bdt.optimizer.sim.SlotSimulator;
import io.bdt.optimizer.sim.Sweep;
import io.bdt.optimizer.sim.TinySystem;
import java.awt.image.BufferedImage;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportFilesTest {

  private static List<AlgorithmRun> runs;

  @BeforeAll
  static void simulate() {
    runs =
        new SlotSimulator(TinySystem.environment())
            .run(
                List.of(new LocalOnly(), new RandomCut(1), new Neurosurgeon(TinySystem.PARAMETERS)),
                TinySystem.draws(60, 1),
                () -> {});
  }

  private static List<AlgorithmSummary> summaries() {
    return runs.stream().map(r -> r.summary(0.3)).toList();
  }

  @Test
  void csvHasOneRowPerSlotAndAlgorithmWithTheDocumentedColumns() throws Exception {
    StringWriter out = new StringWriter();
    SlotsCsv.write(runs, out);
    String[] lines = out.toString().split("\n");

    assertThat(lines[0])
        .isEqualTo(
            "slot,algorithm,latency_s,inference_latency_s,consensus_latency_s,tasks,offloaded,"
                + "R_1,R_2,Q_1,Q_2,cuts");
    assertThat(lines).hasSize(1 + 60 * 3);
    String[] row = lines[2].split(",");
    assertThat(row).hasSize(12);
    assertThat(row[0]).isEqualTo("0");
    assertThat(row[1]).isEqualTo("RANDOM");
    assertThat(Double.parseDouble(row[2]))
        .isCloseTo(
            runs.get(1).slots().get(0).latencySeconds(),
            org.assertj.core.data.Percentage.withPercentage(1e-3));
    assertThat(row[11].split(";")).hasSize(4);
  }

  @Test
  void summaryJsonParsesBackWithEveryAlgorithmAndField(@TempDir Path dir) throws Exception {
    Sweep sweep =
        new Sweep(
            "V",
            "1",
            60,
            List.of(new Sweep.Point(1.0, summaries()), new Sweep.Point(10.0, summaries())));
    Path file = dir.resolve("summary.json");
    new SimulationSummary(Map.of("name", "tiny"), 60, 1, 0.3, 1e-3, summaries(), Map.of("v", sweep))
        .write(file);

    JsonNode json = SimulationSummary.mapper().readTree(file.toFile());
    assertThat(json.get("slots").asInt()).isEqualTo(60);
    assertThat(json.get("seed").asLong()).isEqualTo(1);
    assertThat(json.get("scenario").get("name").asText()).isEqualTo("tiny");
    List<String> names = new ArrayList<>();
    for (JsonNode algorithm : json.get("algorithms")) {
      names.add(algorithm.get("name").asText());
      assertThat(algorithm.get("meanLatencySeconds").isNumber()).isTrue();
      assertThat(algorithm.get("minTimeAverageReputation").isNumber()).isTrue();
      assertThat(algorithm.get("constraintSatisfied").isBoolean()).isTrue();
      assertThat(algorithm.get("meanConsensusLatencySeconds").isNumber()).isTrue();
      assertThat(algorithm.get("perApTimeAverageReputation")).hasSize(2);
      assertThat(algorithm.get("meanBacklog").isNumber()).isTrue();
    }
    assertThat(names).containsExactly("LOCAL_ONLY", "RANDOM", "NEUROSURGEON");
    assertThat(json.get("sweeps").get("v").get("points")).hasSize(2);
  }

  @Test
  void chartsAreValidPngsOfTheDocumentedSize(@TempDir Path dir) throws Exception {
    List<Sweep.Point> points = new ArrayList<>();
    for (double v : new double[] {1, 10, 100}) {
      points.add(new Sweep.Point(v, summaries()));
    }
    Sweep sweep = new Sweep("V", "1", 60, points);
    Charts.latencyAndBacklogVersusV(sweep, "NEUROSURGEON", dir.resolve("v.png"));
    Charts.latencyPerAlgorithm(summaries(), 60, dir.resolve("bars.png"));
    Charts.reputationOverTime(runs.subList(1, 3), 0.3, dir.resolve("rep.png"));
    Charts.latencyVersusParameter(sweep, "V", 1, dir.resolve("sweep.png"));
    Charts.groupedBars(
        "grouped",
        "algorithm",
        "latency (ms)",
        Map.of("measured", Map.of("DPRA", 20.0, "GREEDY", 30.0), "predicted", Map.of("DPRA", 18.0)),
        dir.resolve("grouped.png"));

    for (String name : List.of("v.png", "bars.png", "rep.png", "sweep.png", "grouped.png")) {
      Path png = dir.resolve(name);
      assertThat(Files.readAllBytes(png)).startsWith(0x89, 'P', 'N', 'G');
      BufferedImage image = ImageIO.read(png.toFile());
      assertThat(image).as(name).isNotNull();
      assertThat(image.getWidth()).isEqualTo(Charts.WIDTH);
      assertThat(image.getHeight()).isEqualTo(Charts.HEIGHT);
    }
  }
}
