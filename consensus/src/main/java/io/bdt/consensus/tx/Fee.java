package io.bdt.consensus.tx;

import java.math.BigInteger;

/** How a transaction pays for gas (wei per gas): legacy gas price or EIP-1559 fee caps. */
public sealed interface Fee {

  /** The most the sender may pay per gas; the balance must cover gasLimit times this. */
  BigInteger maxPricePerGas();

  /** The price actually paid per gas in a block with {@code baseFee}. */
  BigInteger effectivePrice(BigInteger baseFee);

  /** The part of {@link #effectivePrice} that goes to the miner (the rest is burnt). */
  default BigInteger minerTip(BigInteger baseFee) {
    return effectivePrice(baseFee).subtract(baseFee);
  }

  /** Legacy (type 0) transactions: one gas price, all above the base fee goes to the miner. */
  record GasPrice(BigInteger gasPrice) implements Fee {
    @Override
    public BigInteger maxPricePerGas() {
      return gasPrice;
    }

    @Override
    public BigInteger effectivePrice(BigInteger baseFee) {
      return gasPrice;
    }
  }

  /** EIP-1559 (type 2): pays baseFee plus at most the priority fee, never above the max fee. */
  record FeeCap(BigInteger maxFeePerGas, BigInteger maxPriorityFeePerGas) implements Fee {
    @Override
    public BigInteger maxPricePerGas() {
      return maxFeePerGas;
    }

    @Override
    public BigInteger effectivePrice(BigInteger baseFee) {
      return maxFeePerGas.min(baseFee.add(maxPriorityFeePerGas));
    }
  }
}
