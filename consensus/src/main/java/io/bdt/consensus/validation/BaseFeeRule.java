package io.bdt.consensus.validation;

import io.bdt.consensus.block.BlockHeader;
import io.bdt.consensus.chain.BaseFee;
import java.math.BigInteger;

/** The base fee follows EIP-1559 from the parent. */
public record BaseFeeRule() implements HeaderRule {
  @Override
  public void check(BlockHeader header, BlockHeader parent) {
    BigInteger expected = BaseFee.next(parent);
    if (!header.baseFee().equals(expected)) {
      throw new InvalidBlockException(
          "baseFeePerGas: expected " + expected + ", got " + header.baseFee());
    }
  }
}
