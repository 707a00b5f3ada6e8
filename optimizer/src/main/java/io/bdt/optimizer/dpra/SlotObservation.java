package io.bdt.optimizer.dpra;

import io.bdt.optimizer.cost.CostTable;
import java.util.List;
import java.util.Objects;

/**
 * What a controller knows at the start of slot {@code t}: tasks, channels, AP state and queues.
 *
 * <p>Arrays indexed by gateway have length {@code N}; arrays indexed by AP have length {@code M}.
 *
 * @param taskSamples {@code b_n(t)}: samples in gateway n's task this slot (0 = no task)
 * @param models the cost table of the DNN each gateway runs
 * @param servingAp {@code m(n)}: the AP that serves gateway n (0-based)
 * @param uplinkRate {@code r_n(t)}: uplink rate of gateway n this slot, bit/s
 * @param gatewayFlopsPerSecond {@code phi_G * f_n^G}: gateway n's compute rate, FLOP/s
 * @param apBudget {@code F_m}: AP m's compute budget this slot, cycles/s (Hz)
 * @param reputation {@code R_m(t)}: AP m's reputation at the start of the slot, in [0, 1]
 * @param virtualQueue {@code Q_m(t)}: AP m's reputation-deficit virtual queue, >= 0
 * @param headRunSeconds {@code delta_G}: gateway n's fixed cost of one head run per sample, s
 *     (measured by {@code ./bdt latency}; 0 in the system model)
 * @param offloadSeconds {@code delta_off}: gateway n's fixed cost of one offload per sample (HTTP
 *     request, frame decoding, the AP's per-call runtime cost), s; 0 in the system model
 * @param apFlopsPerCycle {@code phi_A} as measured for gateway n's model on AP m ({@code [n][m]},
 *     FLOPs per cycle of its inference share, docs/dpra.md "The AP's measured speed"); 0 where
 *     nothing is measured yet, which prices that AP's tail at the genesis' {@code phi_A}
 */
public record SlotObservation(
    int[] taskSamples,
    List<CostTable> models,
    int[] servingAp,
    double[] uplinkRate,
    double[] gatewayFlopsPerSecond,
    double[] apBudget,
    double[] reputation,
    double[] virtualQueue,
    double[] headRunSeconds,
    double[] offloadSeconds,
    double[][] apFlopsPerCycle) {

  /**
   * Checks the structure (array lengths, AP indices) and the sign rules of every field, so that a
   * malformed observation fails here with the field's name instead of deep inside a solver.
   */
  public SlotObservation {
    Objects.requireNonNull(taskSamples, "taskSamples");
    Objects.requireNonNull(models, "models");
    Objects.requireNonNull(servingAp, "servingAp");
    Objects.requireNonNull(uplinkRate, "uplinkRate");
    Objects.requireNonNull(gatewayFlopsPerSecond, "gatewayFlopsPerSecond");
    Objects.requireNonNull(apBudget, "apBudget");
    Objects.requireNonNull(reputation, "reputation");
    Objects.requireNonNull(virtualQueue, "virtualQueue");
    Objects.requireNonNull(headRunSeconds, "headRunSeconds");
    Objects.requireNonNull(offloadSeconds, "offloadSeconds");
    Objects.requireNonNull(apFlopsPerCycle, "apFlopsPerCycle");
    models = List.copyOf(models);
    int n = taskSamples.length;
    int m = apBudget.length;
    if (m == 0) {
      throw new IllegalArgumentException("SlotObservation.apBudget must list at least one AP");
    }
    requireLength("models", models.size(), n, "N");
    requireLength("servingAp", servingAp.length, n, "N");
    requireLength("uplinkRate", uplinkRate.length, n, "N");
    requireLength("gatewayFlopsPerSecond", gatewayFlopsPerSecond.length, n, "N");
    requireLength("headRunSeconds", headRunSeconds.length, n, "N");
    requireLength("offloadSeconds", offloadSeconds.length, n, "N");
    requireLength("apFlopsPerCycle", apFlopsPerCycle.length, n, "N");
    requireLength("reputation", reputation.length, m, "M");
    requireLength("virtualQueue", virtualQueue.length, m, "M");
    for (int g = 0; g < n; g++) {
      if (taskSamples[g] < 0) {
        throw invalid("taskSamples", g, "must be >= 0", taskSamples[g]);
      }
      if (servingAp[g] < 0 || servingAp[g] >= m) {
        throw invalid("servingAp", g, "must be an AP index in [0, " + m + ")", servingAp[g]);
      }
      if (!(uplinkRate[g] >= 0) || Double.isInfinite(uplinkRate[g])) {
        throw invalid("uplinkRate", g, "must be finite and >= 0 bit/s", uplinkRate[g]);
      }
      if (!(gatewayFlopsPerSecond[g] > 0) || Double.isInfinite(gatewayFlopsPerSecond[g])) {
        throw invalid(
            "gatewayFlopsPerSecond", g, "must be finite and > 0 FLOP/s", gatewayFlopsPerSecond[g]);
      }
      if (!(headRunSeconds[g] >= 0) || Double.isInfinite(headRunSeconds[g])) {
        throw invalid("headRunSeconds", g, "must be finite and >= 0 s", headRunSeconds[g]);
      }
      if (!(offloadSeconds[g] >= 0) || Double.isInfinite(offloadSeconds[g])) {
        throw invalid("offloadSeconds", g, "must be finite and >= 0 s", offloadSeconds[g]);
      }
      requireLength("apFlopsPerCycle[" + g + "]", apFlopsPerCycle[g].length, m, "M");
      for (double phi : apFlopsPerCycle[g]) {
        if (!(phi >= 0) || Double.isInfinite(phi)) {
          throw invalid("apFlopsPerCycle", g, "must be finite and >= 0 FLOPs/cycle", phi);
        }
      }
      if (models.get(g).cuts().isEmpty()) {
        throw invalid("models", g, "must have at least one cut", 0);
      }
    }
    for (int a = 0; a < m; a++) {
      if (!(apBudget[a] > 0) || Double.isInfinite(apBudget[a])) {
        throw invalid("apBudget", a, "must be finite and > 0 Hz", apBudget[a]);
      }
      if (!(reputation[a] >= 0 && reputation[a] <= 1)) {
        throw invalid("reputation", a, "must be in [0, 1]", reputation[a]);
      }
      if (!(virtualQueue[a] >= 0) || Double.isInfinite(virtualQueue[a])) {
        throw invalid("virtualQueue", a, "must be finite and >= 0", virtualQueue[a]);
      }
    }
  }

  /** An observation of the system model: no fixed costs ({@code delta_G = delta_off = 0}). */
  public SlotObservation(
      int[] taskSamples,
      List<CostTable> models,
      int[] servingAp,
      double[] uplinkRate,
      double[] gatewayFlopsPerSecond,
      double[] apBudget,
      double[] reputation,
      double[] virtualQueue) {
    this(
        taskSamples,
        models,
        servingAp,
        uplinkRate,
        gatewayFlopsPerSecond,
        apBudget,
        reputation,
        virtualQueue,
        new double[taskSamples.length],
        new double[taskSamples.length]);
  }

  /** An observation with fixed costs and no measured AP speed (the genesis' {@code phi_A}). */
  public SlotObservation(
      int[] taskSamples,
      List<CostTable> models,
      int[] servingAp,
      double[] uplinkRate,
      double[] gatewayFlopsPerSecond,
      double[] apBudget,
      double[] reputation,
      double[] virtualQueue,
      double[] headRunSeconds,
      double[] offloadSeconds) {
    this(
        taskSamples,
        models,
        servingAp,
        uplinkRate,
        gatewayFlopsPerSecond,
        apBudget,
        reputation,
        virtualQueue,
        headRunSeconds,
        offloadSeconds,
        new double[taskSamples.length][apBudget.length]);
  }

  /**
   * {@code phi_A} for gateway {@code n}'s tail on its serving AP, FLOPs per cycle: the measured
   * value once there is one, else the genesis' ({@code parameters}).
   */
  public double apFlopsPerCycle(int n, SystemParameters parameters) {
    double measured = apFlopsPerCycle[n][servingAp[n]];
    return measured > 0 ? measured : parameters.apFlopsPerCycle();
  }

  /** The same observation with other virtual queues (the fixed costs and all else kept). */
  public SlotObservation withVirtualQueue(double[] queue) {
    return new SlotObservation(
        taskSamples,
        models,
        servingAp,
        uplinkRate,
        gatewayFlopsPerSecond,
        apBudget,
        reputation,
        queue,
        headRunSeconds,
        offloadSeconds,
        apFlopsPerCycle);
  }

  private static void requireLength(String field, int actual, int expected, String symbol) {
    if (actual != expected) {
      throw new IllegalArgumentException(
          "SlotObservation."
              + field
              + " has length "
              + actual
              + " but must have one entry per "
              + ("N".equals(symbol) ? "gateway" : "AP")
              + " ("
              + symbol
              + " = "
              + expected
              + ")");
    }
  }

  private static IllegalArgumentException invalid(
      String field, int index, String rule, Object value) {
    return new IllegalArgumentException(
        "SlotObservation." + field + "[" + index + "] " + rule + ", got " + value);
  }

  /** Whether gateway {@code n} has a task this slot ({@code b_n(t) > 0}). */
  public boolean hasTask(int n) {
    return taskSamples[n] > 0;
  }

  /** {@code N}: number of gateways. */
  public int gateways() {
    return taskSamples.length;
  }

  /** {@code M}: number of APs. */
  public int accessPoints() {
    return apBudget.length;
  }
}
