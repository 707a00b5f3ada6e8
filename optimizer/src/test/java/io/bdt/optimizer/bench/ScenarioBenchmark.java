package io.bdt.optimizer.bench;

import io.bdt.optimizer.scenario.Deployment;
import io.bdt.optimizer.scenario.Scenario;
import io.bdt.optimizer.scenario.SlotSource;
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
 * Cost of the scenario machinery the simulator calls: drawing one slot (fading, gain, rate and task
 * for every gateway) at N = 10 and N = 100, building the default deployment, and computing a
 * built-in cost table from its layer spec.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ScenarioBenchmark {

  /** The slot draws of the default scenario with {@code gateways} gateways. */
  @State(Scope.Thread)
  public static class Slots {
    @Param({"10", "100"})
    int gateways;

    SlotSource source;
    long t;

    @Setup
    public void setUp() {
      source = Deployment.of(Scenario.defaults().withGateways(gateways)).slots(1);
    }
  }

  /** One slot's draws for every gateway. */
  @Benchmark
  public SlotSource.Slot drawSlot(Slots slots) {
    return slots.source.slot(slots.t++);
  }

  /** The default deployment: placement, association, cached cost tables. */
  @Benchmark
  public Deployment buildDefaultDeployment() {
    return Deployment.of(Scenario.defaults());
  }
}
