package io.bdt.optimizer.dpra;

import io.bdt.optimizer.cost.CostTable;
import io.bdt.optimizer.model.SlotCost;
import java.util.Arrays;

/**
 * The cut (and serving-AP) choices of one slot, reduced to what the cut search needs: per gateway,
 * its options, each an AP in range and a cut, with the decision-dependent cost that does not
 * involve the AP's compute ({@code V (T_loc + T_tx)}, {@code T_tx} at the rate to that AP) and the
 * square root of the tail weight {@code sqrt(a) = sqrt(V b c^tail / phi_A)}. With a fixed
 * association every option of a gateway has its serving AP.
 *
 * <p>For fixed cuts the optimal allocation depends on the cuts only through {@code A_m = sum_{n in
 * A_m} sqrt(a_n)} (see {@link KktAllocator}), so the full objective of a cut combination is {@code
 * constant + sum_n local_n + G(A_1..A_M)}.
 *
 * <p>Dominated cuts are dropped: a cut whose local cost and {@code sqrt(a)} are both no smaller
 * than another's cannot be better, because {@code G} increases in each {@code A_m > 0}. Cuts with
 * and without tail work are compared only among themselves, because {@code G} can jump down when an
 * AP's first served gateway earns it reputation; cuts with tail work only with cuts at the same AP
 * (they add to different {@code A_m}); cuts without tail work at any AP (they add to none).
 */
final class CutOptions {

  final int gateways;
  final int accessPoints;

  /**
   * {@code m(n)} of option i: the AP it offloads to (for an option without tail work, its link).
   */
  final int[] ap;

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
    this(observation, null, parameters);
  }

  /** The options of {@code observation} with the APs {@code inRange} (null: the fixed ones). */
  CutOptions(SlotObservation observation, InRange inRange, SystemParameters parameters) {
    gateways = observation.gateways();
    accessPoints = observation.accessPoints();
    if (inRange != null) {
      inRange.check(observation);
    }
    v = parameters.v();
    int capacity = 0;
    for (int n = 0; n < gateways; n++) {
      int links = inRange == null ? 1 : inRange.accessPoints()[n].length;
      capacity += links * observation.models().get(n).cuts().size();
    }
    int[] apTmp = new int[capacity];
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
        apTmp[size] = observation.servingAp()[n];
        cutTmp[size] = full;
        localTmp[size] = 0;
        rootTmp[size] = 0;
        size++;
        continue;
      }
      int first = size;
      int[] aps =
          inRange == null ? new int[] {observation.servingAp()[n]} : inRange.accessPoints()[n];
      for (int j = 0; j < aps.length; j++) {
        double rate = inRange == null ? observation.uplinkRate()[n] : inRange.uplinkRate()[n][j];
        int block = size; // options of another AP are never compared with this AP's served ones
        for (int k = 0; k <= full; k++) {
          // an unlimited share leaves exactly T_loc + T_tx
          double cost =
              v
                  * SlotCost.gatewayLatency(
                      observation, parameters, n, k, Double.POSITIVE_INFINITY, rate);
          if (!(cost < Double.POSITIVE_INFINITY)) {
            continue; // no uplink: this cut cannot be used
          }
          double r = Math.sqrt(AllocationProblem.tailWeight(observation, parameters, n, k));
          size =
              insertUnlessDominated(
                  apTmp, cutTmp, localTmp, rootTmp, block, size, aps[j], k, cost, r);
        }
      }
      if (aps.length > 1) {
        size = keepCheapestUnserved(apTmp, cutTmp, localTmp, rootTmp, first, size);
      }
    }
    start[gateways] = size;
    ap = Arrays.copyOf(apTmp, size);
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

  /**
   * Adds option (m, k, cost, r) to the list {@code first..size-1} unless dominated; prunes others.
   */
  private static int insertUnlessDominated(
      int[] ap,
      int[] cut,
      double[] local,
      double[] root,
      int first,
      int size,
      int m,
      int k,
      double cost,
      double r) {
    boolean served = r > 0;
    for (int i = first; i < size; i++) {
      if (comparable(root[i], ap[i], served, m) && local[i] <= cost && root[i] <= r) {
        return size;
      }
    }
    int kept = first;
    for (int i = first; i < size; i++) {
      boolean dominated = comparable(root[i], ap[i], served, m) && cost <= local[i] && r <= root[i];
      if (!dominated) {
        ap[kept] = ap[i];
        cut[kept] = cut[i];
        local[kept] = local[i];
        root[kept] = root[i];
        kept++;
      }
    }
    ap[kept] = m;
    cut[kept] = k;
    local[kept] = cost;
    root[kept] = r;
    return kept + 1;
  }

  /**
   * Of the options {@code first..size-1} without tail work (one kept per AP so far), keeps only the
   * cheapest (the first on ties): they add to no {@code A_m}, so the others are dominated.
   */
  private static int keepCheapestUnserved(
      int[] ap, int[] cut, double[] local, double[] root, int first, int size) {
    int cheapest = -1;
    for (int i = first; i < size; i++) {
      if (root[i] == 0 && (cheapest < 0 || local[i] < local[cheapest])) {
        cheapest = i;
      }
    }
    int kept = first;
    for (int i = first; i < size; i++) {
      if (root[i] > 0 || i == cheapest) {
        ap[kept] = ap[i];
        cut[kept] = cut[i];
        local[kept] = local[i];
        root[kept] = root[i];
        kept++;
      }
    }
    return kept;
  }

  /**
   * Whether an option with tail work ({@code served}) at AP {@code m} competes with option {@code
   * (root, ap)}: both without tail work (they add to no {@code A_m}), or both with tail work at the
   * same AP.
   */
  private static boolean comparable(double root, int ap, boolean served, int m) {
    return (root > 0) == served && (!served || ap == m);
  }

  int options(int n) {
    return start[n + 1] - start[n];
  }
}
