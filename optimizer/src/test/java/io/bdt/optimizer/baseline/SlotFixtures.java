package io.bdt.optimizer.baseline;

import io.bdt.optimizer.cost.CostTable;
import io.bdt.optimizer.dpra.SlotObservation;
import io.bdt.optimizer.dpra.SystemParameters;
import java.util.Collections;
import java.util.List;

/** Small hand-built systems for baseline tests: one three-cut model, two APs. */
final class SlotFixtures {

  private SlotFixtures() {}

  /**
   * A model with cuts 0 (full offload: 1 Mbit input, 1 GFLOP tail), 1 (0.1 GFLOP head, 0.9 GFLOP
   * tail, 0.1 Mbit) and 2 (fully local, 1 GFLOP head).
   */
  static final CostTable MODEL =
      new CostTable(
          "tiny",
          1e6,
          100,
          List.of(
              new CostTable.Cut(0, "input", 0, 1e9, 1e6),
              new CostTable.Cut(1, "layer1", 1e8, 9e8, 1e5),
              new CostTable.Cut(2, "output", 1e9, 0, 0)));

  /** A second model whose best cut differs from {@link #MODEL}'s: its head is cheap to send. */
  static final CostTable OTHER_MODEL =
      new CostTable(
          "other",
          8e6,
          100,
          List.of(
              new CostTable.Cut(0, "input", 0, 4e9, 8e6),
              new CostTable.Cut(1, "layer1", 1e7, 4e9, 1e4),
              new CostTable.Cut(2, "output", 4e9, 0, 0)));

  static final SystemParameters PARAMETERS =
      new SystemParameters(10, 16, 1000, 1e9, 2, 0.1, 0.3, 0.1);

  /**
   * Four gateways with tasks of 2 samples, gateways 0 and 1 on AP 0 and 2 and 3 on AP 1, all at
   * {@code uplinkRate} bit/s, gateway compute 1.2e10 FLOP/s, AP budgets 2e9 Hz.
   */
  static SlotObservation observation(double uplinkRate) {
    return new SlotObservation(
        new int[] {2, 2, 2, 2},
        Collections.nCopies(4, MODEL),
        new int[] {0, 0, 1, 1},
        new double[] {uplinkRate, uplinkRate, uplinkRate, uplinkRate},
        new double[] {1.2e9, 1.2e9, 1.2e9, 1.2e9},
        new double[] {2e9, 2e9},
        new double[] {0.3, 0.3},
        new double[] {0, 0});
  }

  /** Like {@link #observation(double)} with the given task sizes. */
  static SlotObservation observation(double uplinkRate, int[] taskSamples) {
    SlotObservation base = observation(uplinkRate);
    return new SlotObservation(
        taskSamples,
        base.models(),
        base.servingAp(),
        base.uplinkRate(),
        base.gatewayFlopsPerSecond(),
        base.apBudget(),
        base.reputation(),
        base.virtualQueue());
  }
}
