package io.bdt.gateway.inference;

/**
 * One served inference task.
 *
 * @param taskId hex of the 32-byte task id (the receipt's)
 * @param thingId the twin whose {@code health} feature got the result
 * @param slot slot {@code t}
 * @param cut cut {@code k} the task ran at
 * @param label predicted class
 * @param probabilities class probabilities
 * @param predictedSeconds DPRA's predicted latency per sample, seconds
 * @param latencySeconds measured latency, seconds
 */
public record TaskResult(
    String taskId,
    String thingId,
    long slot,
    int cut,
    String label,
    double[] probabilities,
    double predictedSeconds,
    double latencySeconds) {}
