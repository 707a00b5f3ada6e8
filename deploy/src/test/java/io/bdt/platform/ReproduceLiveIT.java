package io.bdt.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bdt.cli.Bdt;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * A short live reproduction: {@code ./bdt reproduce --live} with DPRA and LOCAL_ONLY, 20 s each
 * after a 5 s warm-up, on the real platform with {@code ./bdt platform}'s default mixed fleet (3 AP
 * and 3 gateway processes per run: a vibration gateway and two MobileNetV2 camera gateways of
 * compute classes 1 and 0.25; each run on a new chain). Each policy must reach the coordinator and
 * change what runs: LOCAL_ONLY runs most tasks of both models at their fully local cuts and earns
 * the APs no reputation; DPRA offloads some tasks and raises the APs' reputation on chain. Both
 * runs have measured and predicted latency per task, per-task results read back from the twins with
 * their per-cut prediction error, and the charts.
 */
class ReproduceLiveIT {

  /** The fully local cut of each model of the mixed fleet (docs/platform.md). */
  private static final Map<String, Integer> FULLY_LOCAL =
      Map.of("vibration", 11, "mobilenetv2", 153);

  @Test
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  void dpraAndLocalOnlyRunTheMixedFleetThroughTheCoordinator() throws Exception {
    Path root = Path.of("").toAbsolutePath().getParent();
    Assumptions.assumeTrue(
        Files.exists(root.resolve("gateway-twin/target/quarkus-app/quarkus-run.jar")),
        "the gateway app is not built (gateway-twin/target/quarkus-app)");
    System.setProperty("bdt.root", root.toString());
    Path out = Files.createTempDirectory("bdt-reproduce-it-");
    // what made the command fail goes into the assertion, not only into the test's report
    StringWriter errors = new StringWriter();
    CommandLine command = Bdt.commandLine();
    command.setErr(new PrintWriter(errors, true));
    int status =
        command.execute(
            "reproduce",
            "--live",
            "--algorithms",
            "DPRA,LOCAL_ONLY",
            "--duration",
            "20",
            "--warm-up",
            "5",
            "--devices",
            "4",
            "--out",
            out.toString());
    assertThat(status).as("./bdt reproduce's exit status; its error output:%n%s", errors).isZero();
    JsonNode summary = new ObjectMapper().readTree(out.resolve(LiveSummary.FILE).toFile());
    assertThat(summary.path("fleet").path("layout").asText()).isEqualTo("mixed");
    JsonNode dpra = summary.path("algorithms").get(0);
    JsonNode local = summary.path("algorithms").get(1);
    assertThat(dpra.path("name").asText()).isEqualTo("DPRA");
    assertThat(local.path("name").asText()).isEqualTo("LOCAL_ONLY");

    for (JsonNode run : List.of(dpra, local)) {
      String name = run.path("name").asText();
      assertThat(run.path("tasks").asLong()).as("%s: tasks", name).isPositive();
      assertThat(run.path("cuts").has("vibration") && run.path("cuts").has("mobilenetv2"))
          .as("%s ran both models of the mixed fleet: %s", name, run.path("cuts"))
          .isTrue();
      assertThat(run.path("gateways")).hasSize(3);
      assertThat(run.path("coordinatedSlots").asLong())
          .as("%s: slots decided by the coordinator", name)
          .isPositive();
      assertThat(run.path("measuredMeanLatencySeconds").asDouble()).isPositive().isFinite();
      assertThat(run.path("predictedMeanLatencySeconds").asDouble()).isPositive().isFinite();
      // every task writes its result into its twin; the history gives them back one by one
      assertThat(run.path("tasksReadFromTwins").asLong())
          .as("%s: tasks read back from the twins' history", name)
          .isGreaterThanOrEqualTo(run.path("tasks").asLong() / 2);
      assertThat(run.path("predictionErrorPerCut")).isNotEmpty();
      assertThat(run.path("apReputation")).hasSize(3);
    }

    // slots no coordinator answered in time are decided on the gateway under the policy the APs'
    // /status names, and an offload no AP takes runs locally: compare shares, not absolutes
    for (Map.Entry<String, Integer> model : FULLY_LOCAL.entrySet()) {
      JsonNode cuts = local.path("cuts").path(model.getKey());
      assertThat(cuts.path(Integer.toString(model.getValue())).asLong())
          .as("LOCAL_ONLY runs most %s tasks at its fully local cut: %s", model.getKey(), cuts)
          .isGreaterThan(total(cuts) / 2);
    }
    long offloaded = 0;
    for (Map.Entry<String, Integer> model : FULLY_LOCAL.entrySet()) {
      JsonNode cuts = dpra.path("cuts").path(model.getKey());
      offloaded += total(cuts) - cuts.path(Integer.toString(model.getValue())).asLong();
    }
    assertThat(offloaded).as("DPRA offloads some tasks: %s", dpra.path("cuts")).isPositive();
    // the APs earn reputation only by serving tail work, from receipts recorded on chain
    assertThat(sum(dpra.path("apReputation")))
        .as("DPRA's APs earn more reputation than LOCAL_ONLY's")
        .isGreaterThan(sum(local.path("apReputation")));

    for (String file :
        List.of(
            "live-latency-per-algorithm.png",
            "live-measured-vs-predicted.png",
            "live-reputation-DPRA.png",
            "live-reputation-LOCAL_ONLY.png",
            LiveSummary.TASKS_FILE,
            LiveSummary.ERRORS_FILE,
            LiveSummary.TABLE_FILE)) {
      assertThat(out.resolve(file)).isNotEmptyFile();
    }
    assertThat(Files.readString(out.resolve(LiveSummary.TABLE_FILE)))
        .as("the per-cut table names each gateway's class and counts the pairs within +-20 %")
        .contains("| gw1, vibration (1) |")
        .containsPattern("within \\+-20 %: \\d+ of \\d+")
        .contains("- DPRA: time-average R_m after the");
  }

  private static long total(JsonNode cuts) {
    long n = 0;
    for (JsonNode v : cuts) {
      n += v.asLong();
    }
    return n;
  }

  private static double sum(JsonNode values) {
    double s = 0;
    for (JsonNode v : values) {
      s += v.asDouble();
    }
    return s;
  }
}
