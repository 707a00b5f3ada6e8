package io.bdt.optimizer.baseline;

import io.bdt.optimizer.dpra.SlotDecision;
import io.bdt.optimizer.dpra.SlotObservation;
import io.bdt.optimizer.dpra.SystemParameters;
import io.bdt.optimizer.model.SlotCost;

/**
 * Fixed rules that turn chosen cuts into AP compute shares (Hz) for the baselines that do not
 * optimise frequencies, and the per-gateway fastest cut for a given share.
 */
final class BudgetSplit {

  private BudgetSplit() {}

  /** Whether gateway {@code n} sends work to its AP this slot at cut {@code cut}. */
  static boolean offloads(SlotObservation observation, int n, int cut) {
    return observation.hasTask(n) && cut != observation.models().get(n).fullyLocalCut();
  }

  /**
   * Even split: AP {@code m}'s budget {@code F_m} is cut into equal parts, one for mining and one
   * for each gateway it serves that offloads this slot. An AP with no offloading gateway mines with
   * its whole budget.
   */
  static SlotDecision even(SlotObservation observation, int[] cuts) {
    int[] offloaders = offloadersPerAp(observation, cuts);
    double[] inference = new double[observation.gateways()];
    double[] mining = new double[observation.accessPoints()];
    for (int m = 0; m < mining.length; m++) {
      mining[m] = observation.apBudget()[m] / (offloaders[m] + 1);
    }
    for (int n = 0; n < inference.length; n++) {
      if (offloads(observation, n, cuts[n])) {
        int m = observation.servingAp()[n];
        inference[n] = observation.apBudget()[m] / (offloaders[m] + 1);
      }
    }
    return new SlotDecision(cuts.clone(), inference, mining);
  }

  /**
   * Fixed mining split: AP {@code m} mines with {@code miningFraction * F_m} and gives the rest in
   * equal parts to the gateways it serves that offload this slot. The inference part of an AP with
   * no offloading gateway stays idle: the split is fixed, not adapted.
   */
  static SlotDecision fixedMining(SlotObservation observation, int[] cuts, double miningFraction) {
    int[] offloaders = offloadersPerAp(observation, cuts);
    double[] inference = new double[observation.gateways()];
    double[] mining = new double[observation.accessPoints()];
    for (int m = 0; m < mining.length; m++) {
      mining[m] = miningFraction * observation.apBudget()[m];
    }
    for (int n = 0; n < inference.length; n++) {
      if (offloads(observation, n, cuts[n])) {
        int m = observation.servingAp()[n];
        inference[n] = (1 - miningFraction) * observation.apBudget()[m] / offloaders[m];
      }
    }
    return new SlotDecision(cuts.clone(), inference, mining);
  }

  /** Number of gateways with a task per AP, whatever their cut. */
  static int[] tasksPerAp(SlotObservation observation) {
    int[] count = new int[observation.accessPoints()];
    for (int n = 0; n < observation.gateways(); n++) {
      if (observation.hasTask(n)) {
        count[observation.servingAp()[n]]++;
      }
    }
    return count;
  }

  /**
   * The cut with the lowest {@code D_n} for gateway {@code n} when its AP gives it {@code
   * inferenceShare} Hz; ties go to the larger cut (less sent over the air). The fully local cut
   * when the gateway has no task.
   */
  static int fastestCut(
      SlotObservation observation, SystemParameters parameters, int n, double inferenceShare) {
    int local = observation.models().get(n).fullyLocalCut();
    if (!observation.hasTask(n)) {
      return local;
    }
    int best = local;
    double bestLatency = SlotCost.gatewayLatency(observation, parameters, n, local, 0);
    for (int k = local - 1; k >= 0; k--) {
      double latency = SlotCost.gatewayLatency(observation, parameters, n, k, inferenceShare);
      if (latency < bestLatency) {
        best = k;
        bestLatency = latency;
      }
    }
    return best;
  }

  private static int[] offloadersPerAp(SlotObservation observation, int[] cuts) {
    int[] count = new int[observation.accessPoints()];
    for (int n = 0; n < observation.gateways(); n++) {
      if (offloads(observation, n, cuts[n])) {
        count[observation.servingAp()[n]]++;
      }
    }
    return count;
  }
}
