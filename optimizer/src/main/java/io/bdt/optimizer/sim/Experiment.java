package io.bdt.optimizer.sim;

import io.bdt.optimizer.dpra.Policy;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * One reproduction: all algorithms over {@code T} slots of a system, plus sweeps of {@code V} (DPRA
 * alone), of the number of gateways, of the bandwidth and of the AP budget (all algorithms), each
 * over {@code sweepSlots} slots with the same seed.
 *
 * <p>Sweep values are the system's own value times fixed factors: {@code V} times {@code 10^-3 ..
 * 10^3} (seven points), {@code N} times {@code 0.4 .. 1.6}, {@code B} and {@code F} times {@code
 * 0.25 .. 4} and {@code 0.5 .. 2}.
 */
public final class Experiment {

  /** Factors applied to the system's {@code V} in the V sweep. */
  public static final double[] V_FACTORS = {1e-3, 1e-2, 1e-1, 1, 1e1, 1e2, 1e3};

  static final double[] GATEWAY_FACTORS = {0.4, 0.6, 0.8, 1.0, 1.2, 1.4, 1.6};
  static final double[] BANDWIDTH_FACTORS = {0.25, 0.5, 1, 2, 4};
  static final double[] BUDGET_FACTORS = {0.5, 0.75, 1, 1.5, 2};

  private final SimulatedSystem system;
  private final long seed;
  private final int threads;
  private final SlotSimulator.Progress progress;

  /** An experiment on {@code system} whose draws and random policies are fixed by {@code seed}. */
  public Experiment(
      SimulatedSystem system, long seed, int threads, SlotSimulator.Progress progress) {
    this.system = system;
    this.seed = seed;
    this.threads = threads;
    this.progress = progress;
  }

  /** The main run: every algorithm over the same {@code slots} slots. */
  public List<AlgorithmRun> compare(int slots) {
    return new SlotSimulator(system.environment(), threads)
        .run(
            Algorithms.all(system.environment().parameters(), seed),
            system.draws(slots, seed),
            progress);
  }

  /**
   * Every sweep over {@code slots} slots per point, keyed {@code v, gateways, bandwidth, apBudget}.
   */
  public Map<String, Sweep> sweeps(int slots) {
    Map<String, Sweep> sweeps = new TreeMap<>();
    sweeps.put("v", vSweep(slots));
    sweeps.put(
        "gateways",
        sweep(
            "gateways",
            "1",
            slots,
            distinct(system.gateways(), GATEWAY_FACTORS, true),
            value -> system.withGateways((int) Math.round(value)),
            true));
    sweeps.put(
        "bandwidth",
        sweep(
            "bandwidth",
            "Hz",
            slots,
            distinct(system.bandwidth(), BANDWIDTH_FACTORS, false),
            system::withBandwidth,
            true));
    sweeps.put(
        "apBudget",
        sweep(
            "apBudget",
            "Hz",
            slots,
            distinct(system.apBudget(), BUDGET_FACTORS, false),
            system::withApBudget,
            true));
    return sweeps;
  }

  /** DPRA's time-average latency and backlog at {@code V} times each of {@link #V_FACTORS}. */
  public Sweep vSweep(int slots) {
    double v = system.environment().parameters().v();
    return sweep("V", "1", slots, distinct(v, V_FACTORS, false), system::withV, false);
  }

  /** The number of (policy, slot) steps {@link #sweeps} simulates, for progress bars. */
  public long sweepSteps(int slots) {
    int all = Algorithms.NAMES.size();
    return (long) slots
        * (V_FACTORS.length
            + all
                * (distinct(system.gateways(), GATEWAY_FACTORS, true).size()
                    + distinct(system.bandwidth(), BANDWIDTH_FACTORS, false).size()
                    + distinct(system.apBudget(), BUDGET_FACTORS, false).size()));
  }

  private Sweep sweep(
      String parameter,
      String unit,
      int slots,
      List<Double> values,
      Function<Double, SimulatedSystem> variant,
      boolean allAlgorithms) {
    List<Sweep.Point> points = new ArrayList<>();
    for (double value : values) {
      SimulatedSystem varied = variant.apply(value);
      var parameters = varied.environment().parameters();
      List<Policy> policies =
          allAlgorithms ? Algorithms.all(parameters, seed) : List.of(Algorithms.dpra(parameters));
      List<AlgorithmRun> runs =
          new SlotSimulator(varied.environment(), threads)
              .run(policies, varied.draws(slots, seed), progress);
      points.add(
          new Sweep.Point(value, runs.stream().map(r -> r.summary(parameters.rMin())).toList()));
    }
    return new Sweep(parameter, unit, slots, points);
  }

  private static List<Double> distinct(double base, double[] factors, boolean integer) {
    LinkedHashSet<Double> values = new LinkedHashSet<>();
    for (double factor : factors) {
      double value = base * factor;
      values.add(integer ? Math.max(1, Math.round(value)) : value);
    }
    return List.copyOf(values);
  }
}
