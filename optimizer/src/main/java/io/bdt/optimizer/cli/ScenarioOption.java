package io.bdt.optimizer.cli;

import io.bdt.optimizer.sim.ScenarioSystem;
import io.bdt.optimizer.sim.SimulatedSystem;
import java.io.UncheckedIOException;

/** Reads the {@code --scenario FILE|default} option of the simulation commands. */
final class ScenarioOption {

  private ScenarioOption() {}

  /**
   * The system of the scenario file, or of the built-in default for {@code "default"}.
   *
   * @throws IllegalArgumentException naming the broken field and rule, or the unreadable file
   */
  static SimulatedSystem load(String fileOrDefault) {
    try {
      return ScenarioSystem.resolve(fileOrDefault);
    } catch (UncheckedIOException e) {
      throw new IllegalArgumentException(
          "cannot read " + fileOrDefault + ": " + e.getCause().getMessage(), e);
    }
  }
}
