package io.bdt.optimizer.cli;

import io.bdt.optimizer.report.ComparisonTable;
import io.bdt.optimizer.report.ReportDirectory;
import io.bdt.optimizer.report.SimulationSummary;
import io.bdt.optimizer.sim.AlgorithmRun;
import io.bdt.optimizer.sim.Algorithms;
import io.bdt.optimizer.sim.Experiment;
import io.bdt.optimizer.sim.SimulatedSystem;
import io.bdt.optimizer.sim.Sweep;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./bdt simulate}: runs DPRA and the six baselines over the same seeded slots of a scenario,
 * then the sweeps, and writes {@code slots.csv}, {@code summary.json} and the PNG charts.
 */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    description = {
      "Simulate DPRA and the six baselines on the same seeded slots of a scenario, sweep V, the"
          + " number of gateways, the bandwidth and the AP budget, and write slots.csv,"
          + " summary.json and PNG charts to --out."
    })
public final class SimulateCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--scenario",
      defaultValue = "default",
      description =
          "Scenario JSON file, or 'default' for the built-in one (default: ${DEFAULT-VALUE}).")
  String scenario;

  @Option(
      names = "--slots",
      defaultValue = "5000",
      description = "T: slots of the main run (default: ${DEFAULT-VALUE}).")
  int slots;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Seed of channels, tasks and the RANDOM policy (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--out", required = true, description = "Directory to write the reports to.")
  Path out;

  @Option(
      names = "--sweep-slots",
      description = "Slots per sweep point (default: min(T, 1000)); 0 skips the sweeps.")
  Integer sweepSlots;

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
    int perSweep = sweepSlots == null ? Math.min(slots, 1000) : sweepSlots;
    if (perSweep < 0) {
      err.println("--sweep-slots must be >= 0, got " + perSweep);
      return 2;
    }
    SimulatedSystem system;
    try {
      system = ScenarioOption.load(scenario);
    } catch (IllegalArgumentException e) {
      err.println("bdt simulate: invalid scenario " + scenario + ": " + e.getMessage());
      return 2;
    }
    long steps = (long) slots * Algorithms.NAMES.size();
    List<AlgorithmRun> runs;
    Map<String, Sweep> sweeps = Map.of();
    try (ProgressBar bar = progressBar("simulate", steps)) {
      Experiment experiment = new Experiment(system, seed, threads, bar::step);
      runs = experiment.compare(slots);
    }
    if (perSweep > 0) {
      Experiment probe = new Experiment(system, seed, threads, () -> {});
      try (ProgressBar bar = progressBar("sweeps", probe.sweepSteps(perSweep))) {
        sweeps = new Experiment(system, seed, threads, bar::step).sweeps(perSweep);
      }
    }
    double rMin = system.environment().parameters().rMin();
    SimulationSummary summary =
        ReportDirectory.write(out, system.description(), seed, rMin, runs, sweeps);
    stdout.print(ComparisonTable.text(summary.algorithms()));
    stdout.println("wrote " + out.resolve("slots.csv") + ", summary.json and charts");
    stdout.flush();
    return 0;
  }

  static ProgressBar progressBar(String task, long steps) {
    return new ProgressBarBuilder()
        .setTaskName(task)
        .setInitialMax(steps)
        .setStyle(ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(500)
        .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err))
        .build();
  }
}
