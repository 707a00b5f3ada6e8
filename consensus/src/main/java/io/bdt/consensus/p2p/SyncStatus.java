package io.bdt.consensus.p2p;

/**
 * Where a node that is behind its peers stands (block numbers), as {@code eth_syncing} reports it:
 * its head when it found itself behind, its head now, and the highest head a connected peer has.
 */
public record SyncStatus(long startingBlock, long currentBlock, long highestBlock) {}
