package io.bdt.optimizer.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.optimizer.scenario.Scenario;
import io.bdt.optimizer.scenario.ScenarioFile;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The claims of {@code docs/reproduction.md}, checked on 1000 slots (seed 1) so that a regression
 * in DPRA, the baselines or the simulator shows up as a failing build. Each test names the scenario
 * variant the claim is made for; the page explains why the variants are needed.
 */
class ReproductionClaimsTest {

  private static final int SLOTS = 1000;
  private static final long SEED = 1;

  private static ScenarioSystem scenario(String overrides) {
    return new ScenarioSystem(ScenarioFile.override(Scenario.defaults(), overrides, null));
  }

  private static List<AlgorithmSummary> compare(SimulatedSystem system) {
    double rMin = system.environment().parameters().rMin();
    return new Experiment(system, SEED, 2, () -> {})
        .compare(SLOTS).stream().map(run -> run.summary(rMin)).toList();
  }

  private static AlgorithmSummary named(List<AlgorithmSummary> summaries, String name) {
    return summaries.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void defaultScenarioDpraIsFasterThanEveryBaselineThatKeepsTheReputationFloor() {
    List<AlgorithmSummary> summaries = compare(ScenarioSystem.resolve("default"));
    AlgorithmSummary dpra = named(summaries, "DPRA");
    List<AlgorithmSummary> feasibleBaselines =
        summaries.stream()
            .filter(s -> !s.name().equals("DPRA") && s.constraintSatisfied())
            .toList();
    assertThat(feasibleBaselines).isNotEmpty();
    assertThat(feasibleBaselines)
        .allSatisfy(
            s ->
                assertThat(dpra.meanLatencySeconds())
                    .as("DPRA vs %s", s.name())
                    .isLessThan(s.meanLatencySeconds()));
  }

  @Test
  void withVOfOneDpraKeepsEveryApAtTheFloorAndStaysFastest() {
    List<AlgorithmSummary> summaries = compare(scenario("{\"v\": 1.0}"));
    AlgorithmSummary dpra = named(summaries, "DPRA");
    assertThat(dpra.constraintSatisfied()).isTrue();
    summaries.stream()
        .filter(s -> !s.name().equals("DPRA") && s.constraintSatisfied())
        .forEach(s -> assertThat(dpra.meanLatencySeconds()).isLessThan(s.meanLatencySeconds()));
  }

  @Test
  void defaultScenarioBacklogDoesNotDecreaseWithV() {
    Sweep sweep =
        new Experiment(ScenarioSystem.resolve("default"), SEED, 2, () -> {}).vSweep(SLOTS);
    assertThat(sweep.points()).hasSizeGreaterThanOrEqualTo(6);
    assertThat(sweep.points().stream().map(p -> p.algorithm("DPRA").meanBacklog()).toList())
        .isSorted();
  }

  @Test
  void withoutReputationDiscountLatencyFallsAndBacklogGrowsWithV() {
    Sweep sweep = new Experiment(scenario("{\"eta\": 0.0}"), SEED, 2, () -> {}).vSweep(SLOTS);
    assertThat(sweep.points()).hasSizeGreaterThanOrEqualTo(6);
    List<Double> latency =
        sweep.points().stream().map(p -> -p.algorithm("DPRA").meanLatencySeconds()).toList();
    List<Double> backlog =
        sweep.points().stream().map(p -> p.algorithm("DPRA").meanBacklog()).toList();
    assertThat(latency).as("negated latency, so sorted = non-increasing latency").isSorted();
    assertThat(backlog).isSorted();
  }
}
