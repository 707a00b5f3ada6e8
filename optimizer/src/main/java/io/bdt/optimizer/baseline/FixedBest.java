package io.bdt.optimizer.baseline;

import io.bdt.optimizer.cost.CostTable;
import io.bdt.optimizer.dpra.Policy;
import io.bdt.optimizer.dpra.SlotDecision;
import io.bdt.optimizer.dpra.SlotObservation;
import io.bdt.optimizer.dpra.SystemParameters;
import io.bdt.optimizer.model.SlotCost;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Baseline 3, {@code FIXED_BEST}: one cut per DNN model, chosen once, with an even frequency split
 * (each AP's budget in equal parts for mining and for every gateway that offloads to it).
 *
 * <p>The cut is learned online from the first {@code calibrationSlots} slots in which the model has
 * a task: for every task seen, the latency {@code D_n} of every cut is added to that cut's total,
 * assuming each gateway with a task at the AP offloads (share {@code F_m / (tasks + 1)}). The model
 * uses the cut with the lowest total so far; after its calibration slots the cut is frozen for the
 * rest of the run. Averaging over slots makes the choice reflect expected channels and task sizes
 * rather than one lucky fade.
 */
public final class FixedBest implements Policy {

  public static final String NAME = "FIXED_BEST";

  /** Slots per model over which the cut is learned before it is frozen. */
  public static final int DEFAULT_CALIBRATION_SLOTS = 50;

  private final SystemParameters parameters;
  private final int calibrationSlots;
  private final Map<CostTable, Calibration> calibrations = new HashMap<>();

  /** A fixed-cut policy that learns each model's cut over {@code calibrationSlots} slots. */
  public FixedBest(SystemParameters parameters, int calibrationSlots) {
    if (calibrationSlots < 1) {
      throw new IllegalArgumentException("calibrationSlots must be >= 1, got " + calibrationSlots);
    }
    this.parameters = parameters;
    this.calibrationSlots = calibrationSlots;
  }

  /** A fixed-cut policy with {@link #DEFAULT_CALIBRATION_SLOTS}. */
  public FixedBest(SystemParameters parameters) {
    this(parameters, DEFAULT_CALIBRATION_SLOTS);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public SlotDecision decide(SlotObservation observation) {
    learn(observation);
    int[] cuts = new int[observation.gateways()];
    for (int n = 0; n < cuts.length; n++) {
      CostTable model = observation.models().get(n);
      Calibration calibration = calibrations.get(model);
      cuts[n] =
          observation.hasTask(n) && calibration != null
              ? calibration.bestCut()
              : model.fullyLocalCut();
    }
    return BudgetSplit.even(observation, cuts);
  }

  /** The cut currently used for {@code model}, or empty if it has not been seen yet. */
  public OptionalInt cutFor(CostTable model) {
    Calibration calibration = calibrations.get(model);
    return calibration == null ? OptionalInt.empty() : OptionalInt.of(calibration.bestCut());
  }

  /** Whether the cut of {@code model} is frozen. */
  public boolean isFrozen(CostTable model) {
    Calibration calibration = calibrations.get(model);
    return calibration != null && calibration.slotsSeen >= calibrationSlots;
  }

  private void learn(SlotObservation observation) {
    int[] tasks = BudgetSplit.tasksPerAp(observation);
    Map<CostTable, Boolean> seenThisSlot = new HashMap<>();
    for (int n = 0; n < observation.gateways(); n++) {
      if (!observation.hasTask(n)) {
        continue;
      }
      CostTable model = observation.models().get(n);
      Calibration calibration =
          calibrations.computeIfAbsent(model, t -> new Calibration(t.cuts().size()));
      if (calibration.slotsSeen >= calibrationSlots) {
        continue;
      }
      int m = observation.servingAp()[n];
      double share = observation.apBudget()[m] / (tasks[m] + 1);
      for (int k = 0; k < calibration.totalLatency.length; k++) {
        calibration.totalLatency[k] +=
            SlotCost.gatewayLatency(observation, parameters, n, k, share);
      }
      seenThisSlot.put(model, Boolean.TRUE);
    }
    seenThisSlot.keySet().forEach(model -> calibrations.get(model).slotsSeen++);
  }

  /** Running latency totals of every cut of one model. */
  private static final class Calibration {
    final double[] totalLatency;
    int slotsSeen;

    Calibration(int cuts) {
      totalLatency = new double[cuts];
    }

    /** The cut with the lowest total; ties go to the larger cut (less sent over the air). */
    int bestCut() {
      int best = totalLatency.length - 1;
      for (int k = best - 1; k >= 0; k--) {
        if (totalLatency[k] < totalLatency[best]) {
          best = k;
        }
      }
      return best;
    }
  }
}
