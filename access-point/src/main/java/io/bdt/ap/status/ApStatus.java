package io.bdt.ap.status;

/**
 * The AP's state for {@code GET /status}: the AP protocol's fields first, then counters.
 *
 * @param ap chain address
 * @param budget {@code F_m}, Hz
 * @param queue {@code Q_m(t)}
 * @param reputation {@code R_m(t)} recorded on chain
 * @param inferenceShare {@code f^I} of the last served task, Hz
 * @param miningShare {@code f_m^B} of the latest decision, Hz
 * @param inferenceThreads intra-op threads that inference share maps to
 * @param inferenceDutyCycle its duty cycle
 * @param miningShareInForce {@code f_m^B} the node's miner runs with, Hz
 * @param miningShareAppliedAt when that share was applied (ISO-8601 UTC); null for the share
 *     configured at start
 * @param miningShareChanges times the miner's share was changed since start
 * @param miningShareSource who decided the share in force: {@code coordinator} (the slot's joint
 *     decision), {@code gateways} (their local decisions, while no joint decision is live) or
 *     {@code start} (the configured share)
 * @param miningThreads miner threads the node runs with (read back from the node)
 * @param miningDutyCycle the miner's duty cycle (read back from the node)
 * @param shareHeadersRejected offloads refused for a bad share or slot header since start
 * @param waiting tasks in the offload queue (running one included)
 * @param served tasks served since start
 * @param malformed frames rejected since start
 * @param receiptsPending receipts held, not yet on chain
 * @param receiptsRecorded receipts this AP recorded on chain since start
 * @param servedByCut tasks served per cut {@code k}
 * @param meanLatencyMicros mean end-to-end latency in the receipts gateways signed, microseconds
 * @param blockHeight the node's head block
 * @param hashRate the node's miner hash rate, hashes/s
 * @param rpc the node's JSON-RPC URL
 * @param p2p the node's peer URL
 * @param coordinatorPolicy the policy this AP's slot coordinator decides with ({@code DPRA} unless
 *     {@code bdt.ap.coordinator.policy} names a baseline)
 * @param slotInferenceAvailable for {@code GET /status?slot=t}: the inference share, Hz, the asking
 *     gateway can claim in slot {@code t} without a budget refusal ({@code ShareClaims.available});
 *     null without a slot
 * @param apFlopsPerCycle this AP's speed per model id, {@code phi_A} in FLOPs/cycle, measured by
 *     its lane on the tasks it served (a gateway's prior while it has not measured the AP itself,
 *     docs/dpra.md "The AP's measured speed"); a model not yet served warm is absent
 */
public record ApStatus(
    String ap,
    double budget,
    double queue,
    double reputation,
    double inferenceShare,
    double miningShare,
    double miningShareInForce,
    String miningShareAppliedAt,
    long miningShareChanges,
    String miningShareSource,
    int inferenceThreads,
    double inferenceDutyCycle,
    int miningThreads,
    double miningDutyCycle,
    long shareHeadersRejected,
    int waiting,
    long served,
    long malformed,
    int receiptsPending,
    long receiptsRecorded,
    java.util.Map<Integer, Long> servedByCut,
    double meanLatencyMicros,
    long blockHeight,
    double hashRate,
    String rpc,
    String p2p,
    String coordinatorPolicy,
    Double slotInferenceAvailable,
    java.util.Map<String, Double> apFlopsPerCycle) {}
