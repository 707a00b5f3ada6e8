package io.bdt.optimizer.bench;

import io.bdt.optimizer.dpra.Policy;
import io.bdt.optimizer.sim.AlgorithmRun;
import io.bdt.optimizer.sim.Algorithms;
import io.bdt.optimizer.sim.ScenarioSystem;
import io.bdt.optimizer.sim.SlotDraw;
import io.bdt.optimizer.sim.SlotSimulator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Simulator throughput on the default scenario: one algorithm over 100 pre-drawn slots (decision,
 * feasibility check, scoring, reputation and queue update), and all seven on two threads as {@code
 * ./bdt simulate} runs them.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class SimulatorBenchmark {

  private static final int SLOTS = 100;

  @Param({"DPRA", "LOCAL_ONLY", "FULL_OFFLOAD", "FIXED_BEST", "GREEDY", "RANDOM", "NEUROSURGEON"})
  String algorithm;

  ScenarioSystem system;
  List<SlotDraw> draws;

  @Setup
  public void setUp() {
    system = ScenarioSystem.resolve("default");
    draws = system.draws(SLOTS, 1);
  }

  /** One algorithm over 100 slots, single-threaded; a fresh policy each call. */
  @Benchmark
  public AlgorithmRun oneAlgorithm100Slots() {
    Policy policy =
        Algorithms.all(system.environment().parameters(), 1)
            .get(Algorithms.NAMES.indexOf(algorithm));
    return new SlotSimulator(system.environment()).runOne(policy, draws, () -> {});
  }
}
