package io.bdt.consensus.validation;

import io.bdt.consensus.block.BlockHeader;
import io.bdt.consensus.pow.ReputationSource;

/**
 * Only the chain's miner set at the parent block may seal a block: the genesis APs and the APs the
 * genesis-named ReputationLedger registers in the parent's state ({@link
 * ReputationSource#inMinerSetAt}, the same set the peer network admits).
 */
public record RegisteredMinerRule(ReputationSource reputation) implements HeaderRule {
  @Override
  public void check(BlockHeader header, BlockHeader parent) {
    if (!reputation.inMinerSetAt(header.miner(), parent)) {
      throw new InvalidBlockException(
          "miner: "
              + header.miner()
              + " is not in the chain's miner set at block "
              + parent.number()
              + " (neither a genesis AP nor an AP the ReputationLedger registers)");
    }
  }
}
