package io.bdt.optimizer.joint;

/**
 * What the joint solve of a slot decided for one gateway.
 *
 * @param gateway the gateway it is for
 * @param cut {@code k_n}: the cut to run
 * @param servingAp {@code m(n)}: the AP to offload to
 * @param inferenceShare {@code f_n^I}: the share of the AP's budget for its tail, Hz
 * @param miningShare {@code f_m^B} of its serving AP, Hz
 * @param predictedSecondsPerSample {@code D_n / b_n}: the predicted latency per sample, s (0 for a
 *     gateway without a task)
 * @param gateways how many gateways the solve decided jointly
 */
public record GatewayAssignment(
    String gateway,
    int cut,
    int servingAp,
    double inferenceShare,
    double miningShare,
    double predictedSecondsPerSample,
    int gateways) {}
