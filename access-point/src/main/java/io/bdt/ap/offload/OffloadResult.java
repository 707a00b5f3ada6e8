package io.bdt.ap.offload;

import java.util.List;

/**
 * What the AP returns for one served task (the AP protocol's {@code POST /offload} response).
 *
 * @param taskId the task id, {@code 0x} + 64 hex digits
 * @param label the most probable class (model metadata {@code labels}), or its index if the model
 *     has none
 * @param probabilities the model's output for the sample, flattened
 * @param tailFlops FLOPs the AP ran for this task ({@code b * c_k^tail})
 * @param apSeconds the AP's compute time for the tail at the task's share, seconds: the run and the
 *     idle pause of the share's duty cycle, both served before this answer ({@link
 *     ComputeShare#servedSeconds}), so {@code tailFlops / (apSeconds f^I)} is the AP's {@code
 *     phi_A} whatever the share
 * @param busySeconds the run's own time on the share's threads, seconds (the pause excluded)
 * @param queueSeconds time the task waited in the AP's queue, seconds
 * @param tailLoadSeconds time this task waited for the AP to split and load the tail of its (model,
 *     cut, threads) because it was the first there (a model not in {@code bdt.ap.warm-models}, or a
 *     session the cache had dropped), seconds; 0 for a warm tail. Neither {@code apSeconds} nor
 *     {@code queueSeconds} includes it, so a gateway that estimates its per-offload cost from the
 *     round trip leaves such a task out (docs/dpra.md, "Fixed costs in the slot cost").
 * @param loadWaitSeconds the tail loads of other tasks that ended while this task waited in the
 *     queue (each whole, so it may exceed {@code queueSeconds} for a task that arrived during a
 *     load), seconds; 0 when none did. Such a task is a cold start too: its round trip carries
 *     another cut's one-time load.
 */
public record OffloadResult(
    String taskId,
    String label,
    List<Float> probabilities,
    long tailFlops,
    double apSeconds,
    double busySeconds,
    double queueSeconds,
    double tailLoadSeconds,
    double loadWaitSeconds) {}
