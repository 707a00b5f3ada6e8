package io.bdt.optimizer.dpra;

import io.bdt.optimizer.cost.CostTable;
import io.bdt.optimizer.model.SlotCost;
import java.util.Arrays;

/**
 * The cut choices of one slot, reduced to what the cut search needs: per gateway and candidate cut,
 * the decision-dependent cost that does not involve the AP ({@code V (T_loc + T_tx)}) and the
 * square root of the tail weight {@code sqrt(a) = sqrt(V b c^tail / phi_A)}.
 *
 * <p>For fixed cuts the optimal allocation depends on the cuts only through {@code A_m = sum_{n in
 * A_m} sqrt(a_n)} (see {@link KktAllocator}), so the full objective of a cut combination is {@code
 * constant + sum_n local_n + G(A_1..A_M)}.
 *
 * <p>Dominated cuts are dropped: a cut whose local cost and {@code sqrt(a)} are both no smaller
 * than another's cannot be better, because {@code G} increases in each {@code A_m > 0}. Cuts with
 * and without tail work are compared only among themselves, because {@code G} can jump down when an
 * AP's first served gateway earns it reputation.
 */
final class CutOptions {

  final int gateways;
  final int accessPoints;
  final int[] servingAp;

  /** Options of gateway n are indices {@code start[n] .. start[n+1]-1}. */
  final int[] start;

  final int[] cut;
  final double[] local;
  final double[] root;
  final double constant;
  final double v;
  final double[] budget;
  final double[] miningWeight;
  final double[] reputationPrice;

  CutOptions(SlotObservation observation, SystemParameters parameters) {
    gateways = observation.gateways();
    accessPoints = observation.accessPoints();
    servingAp = observation.servingAp();
    v = parameters.v();
    int capacity = 0;
    for (int n = 0; n < gateways; n++) {
      capacity += observation.models().get(n).cuts().size();
    }
    int[] cutTmp = new int[capacity];
    double[] localTmp = new double[capacity];
    double[] rootTmp = new double[capacity];
    start = new int[gateways + 1];
    int size = 0;
    for (int n = 0; n < gateways; n++) {
      start[n] = size;
      CostTable table = observation.models().get(n);
      int full = table.fullyLocalCut();
      if (!observation.hasTask(n)) {
        cutTmp[size] = full;
        localTmp[size] = 0;
        rootTmp[size] = 0;
        size++;
        continue;
      }
      int first = size;
      for (int k = 0; k <= full; k++) {
        // an unlimited share leaves exactly T_loc + T_tx
        double cost =
            v * SlotCost.gatewayLatency(observation, parameters, n, k, Double.POSITIVE_INFINITY);
        if (!(cost < Double.POSITIVE_INFINITY)) {
          continue; // no uplink: this cut cannot be used
        }
        double r = Math.sqrt(AllocationProblem.tailWeight(observation, parameters, n, k));
        size = insertUnlessDominated(cutTmp, localTmp, rootTmp, first, size, k, cost, r);
      }
    }
    start[gateways] = size;
    cut = Arrays.copyOf(cutTmp, size);
    local = Arrays.copyOf(localTmp, size);
    root = Arrays.copyOf(rootTmp, size);

    budget = observation.apBudget();
    miningWeight = new double[accessPoints];
    reputationPrice = new double[accessPoints];
    double c = v * parameters.consensusOverheadSeconds();
    for (int m = 0; m < accessPoints; m++) {
      miningWeight[m] = AllocationProblem.miningWeight(parameters, observation.reputation()[m]);
      reputationPrice[m] =
          AllocationProblem.reputationPrice(parameters, observation.virtualQueue()[m], budget[m]);
      c -= observation.virtualQueue()[m] * (1 - parameters.omega()) * observation.reputation()[m];
    }
    constant = c;
  }

  /** Adds option (k, cost, r) to the list {@code first..size-1} unless dominated; prunes others. */
  private static int insertUnlessDominated(
      int[] cut, double[] local, double[] root, int first, int size, int k, double cost, double r) {
    boolean served = r > 0;
    for (int i = first; i < size; i++) {
      if ((root[i] > 0) == served && local[i] <= cost && root[i] <= r) {
        return size;
      }
    }
    int kept = first;
    for (int i = first; i < size; i++) {
      boolean dominated = (root[i] > 0) == served && cost <= local[i] && r <= root[i];
      if (!dominated) {
        cut[kept] = cut[i];
        local[kept] = local[i];
        root[kept] = root[i];
        kept++;
      }
    }
    cut[kept] = k;
    local[kept] = cost;
    root[kept] = r;
    return kept + 1;
  }

  int options(int n) {
    return start[n + 1] - start[n];
  }
}
