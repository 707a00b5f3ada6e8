package io.bdt.optimizer.bench;

import io.bdt.optimizer.dpra.BruteForceOracle;
import io.bdt.optimizer.dpra.Dpra;
import io.bdt.optimizer.dpra.RandomInstances;
import io.bdt.optimizer.dpra.SlotDecision;
import io.bdt.optimizer.dpra.SlotObservation;
import io.bdt.optimizer.dpra.SlotPlan;
import io.bdt.optimizer.dpra.SystemParameters;
import java.util.SplittableRandom;
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
 * Per-slot decision time of DPRA at the default scenario's size (N = 10 gateways, M = 4 APs) and at
 * N = 100, M = 20, with 18-22 cuts per CNN-shaped cost table; each call takes the next of 64
 * pre-drawn slots (channels, tasks, queues, reputations differ). The brute-force oracle is timed in
 * full at N = 3, M = 2, 6 cuts (216 combinations), next to DPRA on the same slots; at N = 10, M = 4
 * only one combination of the oracle is timed ({@code oracleOneCombination}), for the extrapolation
 * in docs/benchmarks.md.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
public class DpraBenchmark {

  private static final int SLOTS = 64;

  /** Pre-drawn slots handed out in turn. */
  public abstract static class Pool {
    SlotObservation[] observations = new SlotObservation[SLOTS];
    int next;

    SlotObservation nextSlot() {
      SlotObservation o = observations[next];
      next = (next + 1) % SLOTS;
      return o;
    }
  }

  /** A pool of slots of one size. */
  @State(Scope.Thread)
  public static class Slots extends Pool {

    @Param({"10x4", "100x20"})
    public String size;

    Dpra dpra;

    @Setup
    public void setUp() {
      String[] parts = size.split("x");
      int n = Integer.parseInt(parts[0]);
      int m = Integer.parseInt(parts[1]);
      SplittableRandom random = new SplittableRandom(42);
      SystemParameters parameters = null;
      for (int i = 0; i < SLOTS; i++) {
        var instance = RandomInstances.instance(random, n, m, 18, 22);
        observations[i] = instance.observation();
        if (parameters == null) {
          parameters = instance.parameters();
        }
      }
      dpra = new Dpra(parameters);
    }
  }

  /** Small slots where the oracle finishes. */
  @State(Scope.Thread)
  public static class SmallSlots extends Pool {
    Dpra dpra;
    BruteForceOracle oracle;

    @Setup
    public void setUp() {
      SplittableRandom random = new SplittableRandom(43);
      SystemParameters parameters = null;
      for (int i = 0; i < SLOTS; i++) {
        var instance = RandomInstances.instance(random, 3, 2, 6, 6);
        observations[i] = RandomInstances.withAllTasks(instance.observation());
        if (parameters == null) {
          parameters = instance.parameters();
        }
      }
      dpra = new Dpra(parameters);
      oracle = new BruteForceOracle(parameters);
    }
  }

  /** One oracle cut combination at N = 10, M = 4 (round-robin APs, 2-3 gateways each). */
  @State(Scope.Thread)
  public static class OracleCombination {
    BruteForceOracle oracle;
    SlotObservation observation;
    int[][] cuts;
    int next;

    @Setup
    public void setUp() {
      SplittableRandom random = new SplittableRandom(44);
      var instance = RandomInstances.instance(random, 10, 4, 18, 22);
      observation =
          RandomInstances.withAllTasks(RandomInstances.roundRobin(instance.observation()));
      oracle = new BruteForceOracle(instance.parameters());
      cuts = new int[SLOTS][];
      for (int i = 0; i < SLOTS; i++) {
        cuts[i] = RandomInstances.randomCuts(random, observation);
      }
    }
  }

  /**
   * One slot of the control loop: {@code decide}, which also records the slot in the reputation
   * value estimate, so after the first call every slot is one solve priced by the estimate.
   */
  @Benchmark
  public SlotDecision dpra(Slots slots) {
    return slots.dpra.decide(slots.nextSlot());
  }

  @Benchmark
  public SlotDecision dpraSmall(SmallSlots slots) {
    return slots.dpra.decide(slots.nextSlot());
  }

  @Benchmark
  public SlotPlan oracleSmall(SmallSlots slots) {
    return slots.oracle.plan(slots.nextSlot());
  }

  @Benchmark
  public SlotPlan oracleOneCombination(OracleCombination state) {
    int[] cut = state.cuts[state.next];
    state.next = (state.next + 1) % SLOTS;
    return state.oracle.planForCuts(state.observation, cut);
  }
}
