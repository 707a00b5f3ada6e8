package io.bdt.consensus.pow;

import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.consensus.block.Keccak;
import java.math.BigInteger;
import org.apache.tuweni.bytes.Bytes;
import org.apache.tuweni.bytes.Bytes32;
import org.junit.jupiter.api.Test;

class ReputationRaceTest {

  /**
   * Two APs with equal compute (one hash each, in turn) race for 3000 blocks with real Keccak PoW.
   * The system model says AP m finds blocks as a Poisson process of rate H/D_m, so the
   * low-reputation AP should win lambda_low / (lambda_low + lambda_high) of the races, where
   * lambda_high / lambda_low = D_low / D_high ~ exp(eta (R_high - R_low)). Races are seeded, so the
   * outcome is deterministic; the bound (0.03, about 4.5 standard deviations of a binomial share
   * over 3000 races) is what the model must meet.
   */
  @Test
  void lowReputationApWinsFewerBlocksInTheRatioExpEtaR() {
    Difficulty rule = new Difficulty(BigInteger.valueOf(256), 2.0);
    double rHigh = 0.9;
    double rLow = 0.1;
    BigInteger dHigh = rule.forReputation(rHigh);
    BigInteger dLow = rule.forReputation(rLow);
    BigInteger targetHigh = ProofOfWork.target(dHigh);
    BigInteger targetLow = ProofOfWork.target(dLow);

    int races = 3000;
    int lowWins = 0;
    for (int race = 0; race < races; race++) {
      // each AP mines its own template (its address is in the header), so different pow hashes
      Bytes32 high = Keccak.of(Bytes.concatenate(Bytes.ofUnsignedInt(race), Bytes.of(1)));
      Bytes32 low = Keccak.of(Bytes.concatenate(Bytes.ofUnsignedInt(race), Bytes.of(2)));
      for (long nonce = 0; ; nonce++) {
        if (ProofOfWork.meets(ProofOfWork.digest(high, nonce), targetHigh)) {
          break;
        }
        if (ProofOfWork.meets(ProofOfWork.digest(low, nonce), targetLow)) {
          lowWins++;
          break;
        }
      }
    }

    double lambdaHigh = 1 / dHigh.doubleValue();
    double lambdaLow = 1 / dLow.doubleValue();
    double predictedLowShare = lambdaLow / (lambdaHigh + lambdaLow);
    double observedLowShare = (double) lowWins / races;
    assertThat(dLow.doubleValue() / dHigh.doubleValue())
        .isCloseTo(Math.exp(2.0 * (rHigh - rLow)), org.assertj.core.data.Offset.offset(0.15));
    assertThat(observedLowShare)
        .isCloseTo(predictedLowShare, org.assertj.core.data.Offset.offset(0.03));
    assertThat(observedLowShare).isLessThan(0.5);
  }
}
