package io.bdt.consensus.validation;

import io.bdt.consensus.block.BlockHeader;

/** The block gas limit is the genesis one and the gas used does not exceed it. */
public record GasLimitRule(long gasLimit) implements HeaderRule {
  @Override
  public void check(BlockHeader header, BlockHeader parent) {
    if (header.gasLimit() != gasLimit) {
      throw new InvalidBlockException(
          "gasLimit: must be the genesis " + gasLimit + ", got " + header.gasLimit());
    }
    if (header.gasUsed() > header.gasLimit()) {
      throw new InvalidBlockException("gasUsed: exceeds gasLimit");
    }
  }
}
