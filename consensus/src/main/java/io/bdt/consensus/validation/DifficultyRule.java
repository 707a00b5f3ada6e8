package io.bdt.consensus.validation;

import io.bdt.consensus.block.BlockHeader;
import io.bdt.consensus.pow.Difficulty;
import io.bdt.consensus.pow.ReputationSource;
import java.math.BigInteger;

/**
 * The claimed difficulty is exactly {@code D_m = D_0 exp(-eta R_m)} for the miner's reputation at
 * the parent block: no AP can claim a stake it does not have (a lower difficulty) and none gains by
 * claiming a higher one.
 */
public record DifficultyRule(ReputationSource reputation, Difficulty difficulty)
    implements HeaderRule {
  @Override
  public void check(BlockHeader header, BlockHeader parent) {
    double r = reputation.reputation(header.miner(), parent);
    BigInteger expected = difficulty.forReputation(r);
    if (!header.difficulty().equals(expected)) {
      throw new InvalidBlockException(
          "difficulty: miner "
              + header.miner()
              + " with reputation "
              + r
              + " must use D_m = "
              + expected
              + ", header claims "
              + header.difficulty());
    }
  }
}
