package io.bdt.contracts.reputation;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * ReputationLedger's fixed-point arithmetic, bit for bit: unsigned integers scaled by {@link #ONE}
 * = 10^18 = 1.0, every product rounded down.
 */
public final class FixedPoint {
  /** 1.0. */
  public static final BigInteger ONE = BigInteger.TEN.pow(18);

  private FixedPoint() {}

  /** a * b / ONE, rounded down. */
  public static BigInteger mulDown(BigInteger a, BigInteger b) {
    return a.multiply(b).divide(ONE);
  }

  /**
   * base^k by square-and-multiply in the contract's order, each product rounded down; {@code k} is
   * read as unsigned 64-bit, like the contract's uint64.
   */
  public static BigInteger powDown(BigInteger base, long k) {
    BigInteger result = ONE;
    while (k != 0) {
      if ((k & 1) == 1) {
        result = mulDown(result, base);
      }
      k >>>= 1;
      if (k != 0) {
        base = mulDown(base, base);
      }
    }
    return result;
  }

  /** The fixed-point value of {@code x} in [0, 1], rounded down (for configuration, not rules). */
  public static BigInteger of(double x) {
    if (!(x >= 0 && x <= 1)) {
      throw new IllegalArgumentException("x: must be in [0, 1], got " + x);
    }
    return new BigDecimal(x).multiply(new BigDecimal(ONE)).toBigInteger();
  }

  /** {@code fixed} as a double (rounded to nearest). */
  public static double toDouble(BigInteger fixed) {
    return new BigDecimal(fixed).movePointLeft(18).doubleValue();
  }
}
