package io.bdt.gateway.inference;

/**
 * What an AP reports at {@code GET /status} (docs/gateway-twin.md, "AP protocol").
 *
 * @param ap the AP's chain address
 * @param budget {@code F_m}, Hz
 * @param queue {@code Q_m(t)}, the AP's reputation-deficit virtual queue
 * @param reputation {@code R_m(t)} in [0, 1]
 * @param inferenceShare cycles/s the AP gives to inference now, Hz
 * @param miningShare {@code f_m^B}, Hz
 * @param coordinatorPolicy the policy its slot coordinator decides with ({@code DPRA} when the AP
 *     does not say)
 * @param slotInferenceAvailable the inference share this gateway can claim at the AP in the slot
 *     asked for without a budget refusal, Hz; NaN when no slot was asked or the AP does not say
 * @param apFlopsPerCycle the AP's own measured speed per model id, {@code phi_A} in FLOPs/cycle
 *     (empty when it does not say)
 */
public record ApStatus(
    String ap,
    double budget,
    double queue,
    double reputation,
    double inferenceShare,
    double miningShare,
    String coordinatorPolicy,
    double slotInferenceAvailable,
    java.util.Map<String, Double> apFlopsPerCycle) {}
