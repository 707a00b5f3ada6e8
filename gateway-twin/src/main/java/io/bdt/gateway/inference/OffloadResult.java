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
 * @param loadWaitSeconds tail loads of other tasks that ended while this task waited in the AP's
 *     queue, seconds; 0 when none did or the AP does not report it
 */
public record OffloadResult(
    String label,
    double[] probabilities,
    long tailFlops,
    double apSeconds,
    double roundTripSeconds,
    double tailLoadSeconds,
    double loadWaitSeconds) {

  /**
   * The cold-start time in this task's round trip: the tail load it waited for, its own or other
   * tasks' ahead of it in the AP's queue, seconds (0 for a task that met only warm tails).
   */
  double coldStartSeconds() {
    return tailLoadSeconds + loadWaitSeconds;
  }
}
