package io.bdt.optimizer.report;

import io.bdt.optimizer.sim.AlgorithmRun;
import io.bdt.optimizer.sim.AlgorithmSummary;
import io.bdt.optimizer.sim.Sweep;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes a simulation's report files into one directory: {@code slots.csv}, {@code summary.json}
 * and the PNG charts named in {@link #CHARTS}.
 */
public final class ReportDirectory {

  /** Chart files, in the order the reproduction page shows them. */
  public static final List<String> CHARTS =
      List.of(
          "latency-backlog-vs-v.png",
          "latency-per-algorithm.png",
          "reputation-over-time.png",
          "latency-vs-gateways.png",
          "latency-vs-bandwidth.png",
          "latency-vs-ap-budget.png");

  private ReportDirectory() {}

  /**
   * Writes every file for the main {@code runs} and the {@code sweeps} (charts of missing sweeps
   * are skipped) and returns the summary that went into {@code summary.json}.
   */
  public static SimulationSummary write(
      Path dir,
      Object scenario,
      long seed,
      double rMin,
      List<AlgorithmRun> runs,
      Map<String, Sweep> sweeps)
      throws IOException {
    Files.createDirectories(dir);
    int slots = runs.get(0).slots().size();
    try (Writer out = Files.newBufferedWriter(dir.resolve("slots.csv"))) {
      SlotsCsv.write(runs, out);
    }
    List<AlgorithmSummary> summaries = runs.stream().map(r -> r.summary(rMin)).toList();
    SimulationSummary summary =
        new SimulationSummary(
            scenario, slots, seed, rMin, AlgorithmSummary.REPUTATION_TOLERANCE, summaries, sweeps);
    summary.write(dir.resolve("summary.json"));

    if (sweeps.containsKey("v")) {
      Charts.latencyAndBacklogVersusV(sweeps.get("v"), "DPRA", dir.resolve(CHARTS.get(0)));
    }
    Charts.latencyPerAlgorithm(summaries, slots, dir.resolve(CHARTS.get(1)));
    List<AlgorithmRun> reputationRuns =
        runs.stream().filter(r -> r.name().equals("DPRA") || r.name().equals("GREEDY")).toList();
    Charts.reputationOverTime(
        reputationRuns.isEmpty() ? runs.subList(0, 1) : reputationRuns,
        rMin,
        dir.resolve(CHARTS.get(2)));
    chart(sweeps, "gateways", "number of gateways N", 1, dir.resolve(CHARTS.get(3)));
    chart(sweeps, "bandwidth", "uplink bandwidth B_n (MHz)", 1e6, dir.resolve(CHARTS.get(4)));
    chart(sweeps, "apBudget", "AP compute budget F_m (GHz)", 1e9, dir.resolve(CHARTS.get(5)));
    return summary;
  }

  private static void chart(
      Map<String, Sweep> sweeps, String key, String axis, double unitScale, Path png)
      throws IOException {
    if (sweeps.containsKey(key)) {
      Charts.latencyVersusParameter(sweeps.get(key), axis, unitScale, png);
    }
  }
}
