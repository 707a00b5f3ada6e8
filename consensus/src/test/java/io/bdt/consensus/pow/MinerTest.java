package io.bdt.consensus.pow;

import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.consensus.block.Keccak;
import java.math.BigInteger;
import org.apache.tuweni.bytes.Bytes;
import org.apache.tuweni.bytes.Bytes32;
import org.junit.jupiter.api.Test;

class MinerTest {
  final Bytes32 template = Keccak.of(Bytes.of(1, 2, 3));

  @Test
  void solutionMeetsTheTargetAndIsTheDigestOfItsNonce() {
    Miner miner = new Miner(MiningShare.full(2));
    BigInteger difficulty = BigInteger.valueOf(5000);

    Miner.Solution s = miner.solve(template, difficulty, 0, () -> false).orElseThrow();

    assertThat(ProofOfWork.digest(template, s.nonce())).isEqualTo(s.digest());
    assertThat(ProofOfWork.meets(s.digest(), ProofOfWork.target(difficulty))).isTrue();
    assertThat(miner.totalHashes()).isPositive();
    assertThat(miner.hashRate()).isPositive();
  }

  @Test
  void stopsWhenAskedWithoutSolution() {
    Miner miner = new Miner(new MiningShare(1, 0.5, 20));

    // an (almost) impossible difficulty: only stop() ends the search
    var result =
        miner.solve(template, BigInteger.ONE.shiftLeft(200), 0, () -> miner.totalHashes() > 10_000);

    assertThat(result).isEmpty();
    assertThat(miner.totalHashes()).isGreaterThan(10_000);
  }
}
