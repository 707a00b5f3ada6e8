package io.bdt.consensus.chain;

import io.bdt.consensus.block.BlockHeader;
import java.math.BigInteger;

/**
 * EIP-1559 base fee of the next block (wei per gas): moves by at most 1/8 towards keeping blocks
 * half full (target = gasLimit / 2).
 */
public final class BaseFee {
  private BaseFee() {}

  /** The base fee a child of {@code parent} must carry. */
  public static BigInteger next(BlockHeader parent) {
    long target = parent.gasLimit() / 2;
    BigInteger fee = parent.baseFee();
    if (target == 0 || parent.gasUsed() == target) {
      return fee;
    }
    BigInteger t = BigInteger.valueOf(target);
    if (parent.gasUsed() > target) {
      BigInteger delta =
          fee.multiply(BigInteger.valueOf(parent.gasUsed() - target))
              .divide(t)
              .divide(BigInteger.valueOf(8))
              .max(BigInteger.ONE);
      return fee.add(delta);
    }
    BigInteger delta =
        fee.multiply(BigInteger.valueOf(target - parent.gasUsed()))
            .divide(t)
            .divide(BigInteger.valueOf(8));
    return fee.subtract(delta);
  }
}
