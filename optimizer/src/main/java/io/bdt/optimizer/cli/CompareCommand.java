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
import java.util.Optional;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

  @Mixin RunOptions run;

  @Option(
      names = "--slots",
      defaultValue = "1000",
      description = "T: slots to simulate (default: ${DEFAULT-VALUE}).")
  int slots;

  @Option(names = "--out", description = "Also write the table as CSV to this file.")
  Path out;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter stdout = spec.commandLine().getOut();
    Optional<SimulatedSystem> loaded = run.system("compare", slots, err);
    if (loaded.isEmpty()) {
      return 2;
    }
    SimulatedSystem system = loaded.get();
    List<AlgorithmRun> runs;
    try (ProgressBar bar =
        SimulateCommand.progressBar("compare", (long) slots * Algorithms.NAMES.size())) {
      runs = new Experiment(system, run.seed, run.threads, bar::step).compare(slots);
    }
    double rMin = system.environment().parameters().rMin();
    List<AlgorithmSummary> summaries = runs.stream().map(r -> r.summary(rMin)).toList();
    stdout.printf(
        "%d slots, seed %d, R_min = %s (rank: by latency among algorithms with R >= R_min)%n",
        slots, run.seed, rMin);
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
