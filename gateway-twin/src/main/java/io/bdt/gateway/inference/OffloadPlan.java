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
 */
record OffloadPlan(
    int cut,
    double share,
    Double miningShare,
    int serving,
    double predictedSecondsPerSample,
    List<Integer> order) {}
