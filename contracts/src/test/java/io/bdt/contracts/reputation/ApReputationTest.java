package io.bdt.contracts.reputation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/** The Java twin of the ledger's fixed-point rule against the system model's real-valued form. */
class ApReputationTest {
  static final BigInteger CAP = BigInteger.valueOf(1_000_000);
  static final BigInteger OMEGA = FixedPoint.of(0.1);

  @Test
  void powDownMatchesRepeatedMultiplicationClosely() {
    BigInteger keep = FixedPoint.ONE.subtract(OMEGA);
    BigInteger repeated = FixedPoint.ONE;
    for (int k = 0; k < 37; k++) {
      repeated = FixedPoint.mulDown(repeated, keep);
    }
    BigInteger pow = FixedPoint.powDown(keep, 37);
    assertThat(pow.subtract(repeated).abs()).isLessThan(BigInteger.valueOf(100));
    assertThat(FixedPoint.toDouble(pow)).isCloseTo(Math.pow(0.9, 37), within(1e-15));
  }

  @Test
  void contributionIsCappedAtOne() {
    assertThat(ApReputation.contribution(CAP.multiply(BigInteger.TWO), CAP))
        .isEqualTo(FixedPoint.ONE);
    assertThat(ApReputation.contribution(CAP.divide(BigInteger.valueOf(4)), CAP))
        .isEqualTo(FixedPoint.of(0.25));
  }

  @Test
  void followsTheSystemModelsExponentialAverage() {
    double[] x = {0.3, 1.0, 0.0, 0.55, 0.8};
    ApReputation a = ApReputation.registered(CAP, FixedPoint.of(0.5), 0);
    double r = 0.5;
    long slot = 0;
    for (double xi : x) {
      if (xi > 0) {
        a = a.withReceipt(BigInteger.valueOf(Math.round(xi * 1_000_000)), slot, OMEGA);
        r = 0.9 * r + 0.1 * xi;
      } else {
        r = 0.9 * r; // an empty slot
      }
      slot++;
    }
    a = a.closedUntil(slot, OMEGA);
    assertThat(FixedPoint.toDouble(a.reputation())).isCloseTo(r, within(1e-15));
  }

  @Test
  void receiptForClosedSlotIsRejected() {
    ApReputation a =
        ApReputation.registered(CAP, BigInteger.ZERO, 5)
            .withReceipt(BigInteger.TEN, 5, OMEGA)
            .withReceipt(BigInteger.TEN, 6, OMEGA);
    assertThatThrownBy(() -> a.withReceipt(BigInteger.TEN, 5, OMEGA))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("already closed");
  }

  @Test
  void reputationStaysWithinZeroAndOne() {
    ApReputation a = ApReputation.registered(CAP, FixedPoint.ONE, 0);
    for (long s = 0; s < 200; s++) {
      a = a.withReceipt(CAP.multiply(BigInteger.TEN), s, OMEGA);
    }
    assertThat(a.closedUntil(200, OMEGA).reputation()).isLessThanOrEqualTo(FixedPoint.ONE);
  }
}
