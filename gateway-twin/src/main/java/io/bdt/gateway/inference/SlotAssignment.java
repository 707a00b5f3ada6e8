package io.bdt.gateway.inference;

/**
 * The slot coordinator's answer to this gateway's demand: its part of the slot's joint decision.
 *
 * @param slot the slot decided
 * @param cut {@code k_n}
 * @param servingAp {@code m(n)}, index of the AP to offload to
 * @param inferenceShare {@code f_n^I}, Hz
 * @param miningShare {@code f_m^B} of the serving AP, Hz (the coordinator sets it on the AP)
 * @param predictedSecondsPerSample {@code D_n / b_n}, s
 * @param gateways how many gateways the decision covered
 * @param coordinator the coordinating AP's address
 */
public record SlotAssignment(
    long slot,
    int cut,
    int servingAp,
    double inferenceShare,
    double miningShare,
    double predictedSecondsPerSample,
    int gateways,
    String coordinator) {}
