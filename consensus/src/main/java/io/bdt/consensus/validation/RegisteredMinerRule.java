package io.bdt.consensus.validation;

import io.bdt.consensus.block.BlockHeader;
import io.bdt.consensus.pow.ReputationSource;

/** Only APs registered at genesis may mine. */
public record RegisteredMinerRule(ReputationSource reputation) implements HeaderRule {
  @Override
  public void check(BlockHeader header, BlockHeader parent) {
    if (!reputation.isRegistered(header.miner())) {
      throw new InvalidBlockException(
          "miner: " + header.miner() + " is not an AP registered at genesis");
    }
  }
}
