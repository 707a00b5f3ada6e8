package io.bdt.gateway.inference;

/**
 * The AP's answer to one offloaded task plus what the gateway measured.
 *
 * @param label predicted class
 * @param probabilities class probabilities in the model's label order
 * @param tailFlops FLOPs the AP ran ({@code c_k^tail} per sample)
 * @param apSeconds the AP's compute time, seconds
 * @param roundTripSeconds wall time of the HTTP request on the gateway, seconds
 */
public record OffloadResult(
    String label,
    double[] probabilities,
    long tailFlops,
    double apSeconds,
    double roundTripSeconds) {}
