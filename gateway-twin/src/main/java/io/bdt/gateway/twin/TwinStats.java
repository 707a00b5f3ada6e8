package io.bdt.gateway.twin;

/**
 * Sizes and counters of a {@link TwinStore} at one moment (for metrics and benchmarks).
 *
 * @param twins twins now
 * @param historyEntries history entries retained
 * @param historyTrimmed history entries removed by retention since open
 * @param checkpoints checkpoints since open
 * @param journalBytes bytes in the journal since the last checkpoint
 * @param tableBytes bytes of the checkpointed tables' file
 */
public record TwinStats(
    long twins,
    long historyEntries,
    long historyTrimmed,
    long checkpoints,
    long journalBytes,
    long tableBytes) {}
