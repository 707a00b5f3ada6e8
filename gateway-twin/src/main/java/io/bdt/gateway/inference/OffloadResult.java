package io.bdt.gateway.inference;

/**
 * The AP's answer to one offloaded task plus what the gateway measured.
 *
 * @param label predicted class
 * @param probabilities class probabilities in the model's label order
 * @param tailFlops FLOPs the AP ran ({@code c_k^tail} per sample)
 * @param apSeconds the AP's compute time, seconds
 * @param roundTripSeconds wall time of the HTTP request on the gateway, seconds
 * @param tailLoadSeconds time the AP spent splitting and loading the tail for this task (its first
 *     at the cut), seconds; 0 for a warm tail or an AP that does not report it
 */
public record OffloadResult(
    String label,
    double[] probabilities,
    long tailFlops,
    double apSeconds,
    double roundTripSeconds,
    double tailLoadSeconds) {}
