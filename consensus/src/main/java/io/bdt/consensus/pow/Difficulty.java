package io.bdt.consensus.pow;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * The system model's reputation-weighted PoW difficulty {@code D_m = D_0 * exp(-eta * R_m)}, in
 * expected hashes per block, rounded down to an integer and never below 1. {@link StrictMath#exp}
 * makes the result bit-identical on every validator.
 *
 * @param base D_0, the difficulty of an AP with reputation 0 (hashes)
 * @param eta how strongly reputation lowers the difficulty (dimensionless)
 */
public record Difficulty(BigInteger base, double eta) {
  public Difficulty {
    if (base.signum() <= 0) {
      throw new IllegalArgumentException("difficulty.base (D_0) must be > 0, got " + base);
    }
    if (!(eta >= 0) || Double.isInfinite(eta)) {
      throw new IllegalArgumentException("difficulty.eta must be finite and >= 0, got " + eta);
    }
  }

  /** D_m for an AP of reputation {@code reputation} in [0, 1]. */
  public BigInteger forReputation(double reputation) {
    if (!(reputation >= 0 && reputation <= 1)) {
      throw new IllegalArgumentException("reputation must be in [0, 1], got " + reputation);
    }
    BigDecimal d = new BigDecimal(base).multiply(new BigDecimal(StrictMath.exp(-eta * reputation)));
    BigInteger floor = d.setScale(0, RoundingMode.FLOOR).toBigIntegerExact();
    return floor.max(BigInteger.ONE);
  }
}
