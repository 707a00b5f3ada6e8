package io.bdt.optimizer.cli;

import io.bdt.optimizer.report.ComparisonTable;
import io.bdt.optimizer.sim.AlgorithmRun;
import io.bdt.optimizer.sim.AlgorithmSummary;
import io.bdt.optimizer.sim.Algorithms;
import io.bdt.optimizer.sim.Experiment;
import io.bdt.optimizer.sim.SimulatedSystem;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./bdt compare}: runs DPRA and the six baselines over the same seeded slots and prints one
 * line per algorithm (mean latency, worst AP's time-average reputation, constraint, rank).
 */
@Command(
    name = "compare",
    mixinStandardHelpOptions = true,
    description = {
      "Compare DPRA and the six baselines on the same seeded slots of a scenario: mean latency,"
          + " the worst AP's time-average reputation, whether R_min holds, and the latency rank"
          + " among the algorithms that satisfy it."
    })
public final class CompareCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--scenario",
      defaultValue = "default",
      description =
          "Scenario JSON file, or 'default' for the built-in one (default: ${DEFAULT-VALUE}).")
  String scenario;

  @Option(
      names = "--slots",
      defaultValue = "1000",
      description = "T: slots to simulate (default: ${DEFAULT-VALUE}).")
  int slots;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Seed of channels, tasks and the RANDOM policy (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--out", description = "Also write the table as CSV to this file.")
  Path out;

  @Option(
      names = "--threads",
      defaultValue = "2",
      description =
          "Policies simulated at once; results do not depend on it (default: ${DEFAULT-VALUE}).")
  int threads;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter stdout = spec.commandLine().getOut();
    if (slots < 1) {
      err.println("--slots must be >= 1, got " + slots);
      return 2;
    }
    if (threads < 1) {
      err.println("--threads must be >= 1, got " + threads);
      return 2;
    }
    SimulatedSystem system;
    try {
      system = ScenarioOption.load(scenario);
    } catch (IllegalArgumentException e) {
      err.println("bdt compare: invalid scenario " + scenario + ": " + e.getMessage());
      return 2;
    }
    List<AlgorithmRun> runs;
    try (ProgressBar bar =
        SimulateCommand.progressBar("compare", (long) slots * Algorithms.NAMES.size())) {
      runs = new Experiment(system, seed, threads, bar::step).compare(slots);
    }
    double rMin = system.environment().parameters().rMin();
    List<AlgorithmSummary> summaries = runs.stream().map(r -> r.summary(rMin)).toList();
    stdout.printf(
        "%d slots, seed %d, R_min = %s (rank: by latency among algorithms with R >= R_min)%n",
        slots, seed, rMin);
    stdout.print(ComparisonTable.text(summaries));
    if (out != null) {
      Path parent = out.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(out, ComparisonTable.csv(summaries));
      stdout.println("wrote " + out);
    }
    stdout.flush();
    return 0;
  }
}
