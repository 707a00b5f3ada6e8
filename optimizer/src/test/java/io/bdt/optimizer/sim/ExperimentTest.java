package io.bdt.optimizer.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExperimentTest {

  private static Experiment experiment(long seed) {
    return new Experiment(TinySimulatedSystem.standard(), seed, 2, () -> {});
  }

  @Test
  void comparesAllSevenAlgorithmsInReportOrder() {
    List<AlgorithmRun> runs = experiment(1).compare(20);
    assertThat(runs).extracting(AlgorithmRun::name).containsExactlyElementsOf(Algorithms.NAMES);
    assertThat(Algorithms.NAMES)
        .containsExactly(
            "DPRA", "LOCAL_ONLY", "FULL_OFFLOAD", "FIXED_BEST", "GREEDY", "RANDOM", "NEUROSURGEON");
    assertThat(runs).allSatisfy(run -> assertThat(run.slots()).hasSize(20));
  }

  @Test
  void sameSeedGivesIdenticalRunsAndAnotherSeedDifferent() {
    List<AlgorithmRun> first = experiment(1).compare(50);
    assertThat(experiment(1).compare(50)).usingRecursiveComparison().isEqualTo(first);
    assertThat(experiment(2).compare(50)).usingRecursiveComparison().isNotEqualTo(first);
  }

  @Test
  void sweepsCoverAtLeastSixValuesOfVAndTheThreeScenarioParameters() {
    Map<String, Sweep> sweeps = experiment(1).sweeps(10);
    assertThat(sweeps).containsOnlyKeys("v", "gateways", "bandwidth", "apBudget");
    Sweep v = sweeps.get("v");
    assertThat(v.points()).hasSizeGreaterThanOrEqualTo(6);
    assertThat(v.points()).allSatisfy(p -> assertThat(p.algorithms()).hasSize(1));
    assertThat(v.points().get(0).algorithms().get(0).name()).isEqualTo("DPRA");
    assertThat(v.points()).extracting(Sweep.Point::value).isSorted();
    assertThat(sweeps.get("gateways").points())
        .extracting(Sweep.Point::value)
        .containsExactly(2.0, 3.0, 4.0, 5.0, 6.0);
    assertThat(sweeps.get("apBudget").points())
        .allSatisfy(p -> assertThat(p.algorithms()).hasSize(7));
  }

  @Test
  void countsTheSweepStepsItWillReport() {
    java.util.concurrent.atomic.AtomicLong steps = new java.util.concurrent.atomic.AtomicLong();
    Experiment experiment =
        new Experiment(TinySimulatedSystem.standard(), 1, 2, steps::incrementAndGet);
    experiment.sweeps(5);
    assertThat(steps.get()).isEqualTo(experiment.sweepSteps(5));
  }
}
