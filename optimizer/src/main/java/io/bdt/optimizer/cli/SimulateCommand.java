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
import java.util.Optional;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

  @Mixin RunOptions run;

  @Option(
      names = "--slots",
      defaultValue = "5000",
      description = "T: slots of the main run (default: ${DEFAULT-VALUE}).")
  int slots;

  @Option(names = "--out", required = true, description = "Directory to write the reports to.")
  Path out;

  @Option(
      names = "--sweep-slots",
      description = "Slots per sweep point (default: min(T, 1000)); 0 skips the sweeps.")
  Integer sweepSlots;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter stdout = spec.commandLine().getOut();
    Optional<SimulatedSystem> loaded = run.system("simulate", slots, err);
    if (loaded.isEmpty()) {
      return 2;
    }
    int perSweep = sweepSlots == null ? Math.min(slots, 1000) : sweepSlots;
    if (perSweep < 0) {
      err.println("--sweep-slots must be >= 0, got " + perSweep);
      return 2;
    }
    SimulatedSystem system = loaded.get();
    long steps = (long) slots * Algorithms.NAMES.size();
    List<AlgorithmRun> runs;
    Map<String, Sweep> sweeps = Map.of();
    try (ProgressBar bar = progressBar("simulate", steps)) {
      Experiment experiment = new Experiment(system, run.seed, run.threads, bar::step);
      runs = experiment.compare(slots);
    }
    if (perSweep > 0) {
      Experiment probe = new Experiment(system, run.seed, run.threads, () -> {});
      try (ProgressBar bar = progressBar("sweeps", probe.sweepSteps(perSweep))) {
        sweeps = new Experiment(system, run.seed, run.threads, bar::step).sweeps(perSweep);
      }
    }
    double rMin = system.environment().parameters().rMin();
    SimulationSummary summary =
        ReportDirectory.write(out, system.description(), run.seed, rMin, runs, sweeps);
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
