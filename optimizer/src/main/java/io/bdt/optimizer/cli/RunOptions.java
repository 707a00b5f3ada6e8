package io.bdt.optimizer.cli;

import io.bdt.optimizer.sim.ScenarioSystem;
import io.bdt.optimizer.sim.SimulatedSystem;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The options every simulation command shares ({@code --scenario}, {@code --seed}, {@code
 * --threads}), and the checks that turn them and {@code --slots} into a simulated system.
 */
final class RunOptions {

  @Option(
      names = "--scenario",
      defaultValue = "default",
      description =
          "Scenario JSON file, or 'default' for the built-in one (default: ${DEFAULT-VALUE}).")
  String scenario;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Seed of channels, tasks and the RANDOM policy (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--threads",
      defaultValue = "2",
      description =
          "Policies simulated at once; results do not depend on it (default: ${DEFAULT-VALUE}).")
  int threads;

  /**
   * The system of the scenario file (or the built-in default), or empty after printing to {@code
   * err} what is wrong: {@code slots} or {@code --threads} below 1, or the broken scenario field
   * and rule, or the unreadable file.
   */
  Optional<SimulatedSystem> system(String command, int slots, PrintWriter err) {
    if (slots < 1) {
      err.println("--slots must be >= 1, got " + slots);
      return Optional.empty();
    }
    if (threads < 1) {
      err.println("--threads must be >= 1, got " + threads);
      return Optional.empty();
    }
    try {
      return Optional.of(ScenarioSystem.resolve(scenario));
    } catch (UncheckedIOException e) {
      err.println(
          "bdt " + command + ": cannot read " + scenario + ": " + e.getCause().getMessage());
    } catch (IllegalArgumentException e) {
      err.println("bdt " + command + ": invalid scenario " + scenario + ": " + e.getMessage());
    }
    return Optional.empty();
  }
}
