package io.bdt.gateway.inference;

import java.util.List;

/**
 * One slot's decision for this gateway, as the task runner needs it.
 *
 * @param cut {@code k_n}
 * @param share {@code f_n^I}, Hz
 * @param miningShare the serving AP's {@code f_m^B}, Hz, when the gateway decided it (local
 *     fallback); null when the coordinator set it on the AP
 * @param serving {@code m(n)}: index of the AP the tasks go to
 * @param predictedSecondsPerSample {@code D_n / b_n}, s
 * @param order the APs an offload tries in turn (the serving AP first) before the task runs locally
 * @param shapedRates {@code r_nm(t)} per AP, bit/s, when the uplink is shaped to the slot's channel
 *     draw (the transfer time of a frame is then known); null when it is not shaped
 */
record OffloadPlan(
    int cut,
    double share,
    Double miningShare,
    int serving,
    double predictedSecondsPerSample,
    List<Integer> order,
    double[] shapedRates) {

  /** A plan for an uplink that is not shaped. */
  OffloadPlan(
      int cut,
      double share,
      Double miningShare,
      int serving,
      double predictedSecondsPerSample,
      List<Integer> order) {
    this(cut, share, miningShare, serving, predictedSecondsPerSample, order, null);
  }

  /** The same plan over an uplink shaped to {@code rates} (null: not shaped). */
  OffloadPlan withShapedRates(double[] rates) {
    return new OffloadPlan(
        cut, share, miningShare, serving, predictedSecondsPerSample, order, rates);
  }
}
