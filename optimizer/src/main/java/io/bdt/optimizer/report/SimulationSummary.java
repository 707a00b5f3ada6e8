package io.bdt.optimizer.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.bdt.optimizer.sim.AlgorithmSummary;
import io.bdt.optimizer.sim.Sweep;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The {@code summary.json} of a simulation: what ran, and each algorithm's time averages.
 *
 * @param scenario the scenario that ran, as its own JSON form
 * @param slots {@code T}: slots in the main run
 * @param seed the seed of the slot draws and of the random policies
 * @param rMin {@code R_min}: the reputation floor the constraint is judged against
 * @param reputationTolerance absolute slack used for {@code constraintSatisfied}
 * @param algorithms one summary per algorithm, in the simulator's order
 * @param sweeps parameter sweeps by name ({@code v}, {@code gateways}, {@code bandwidth}, {@code
 *     apBudget}); empty when none ran
 */
public record SimulationSummary(
    Object scenario,
    int slots,
    long seed,
    double rMin,
    double reputationTolerance,
    List<AlgorithmSummary> algorithms,
    Map<String, Sweep> sweeps) {

  public SimulationSummary {
    algorithms = List.copyOf(algorithms);
    sweeps = Map.copyOf(sweeps);
  }

  /** The mapper used to write and read summaries: indented, keys in declaration order. */
  public static ObjectMapper mapper() {
    return new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
  }

  /** Writes this summary as JSON to {@code file}. */
  public void write(Path file) throws IOException {
    mapper().writeValue(file.toFile(), this);
  }
}
