package io.bdt.consensus.pow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class DifficultyTest {
  final Difficulty rule = new Difficulty(BigInteger.valueOf(1_000_000), 2.0);

  @Test
  void zeroReputationMinesAtBaseDifficulty() {
    assertThat(rule.forReputation(0)).isEqualTo(BigInteger.valueOf(1_000_000));
  }

  @Test
  void reputationLowersDifficultyExponentially() {
    // 1e6 * exp(-2 * 0.5) = 367879.44...
    assertThat(rule.forReputation(0.5)).isEqualTo(BigInteger.valueOf(367_879));
    assertThat(rule.forReputation(1.0)).isEqualTo(BigInteger.valueOf(135_335));
  }

  @Test
  void neverBelowOneHash() {
    assertThat(new Difficulty(BigInteger.ONE, 50).forReputation(1)).isEqualTo(BigInteger.ONE);
  }

  @Test
  void rejectsReputationOutsideUnitInterval() {
    assertThatThrownBy(() -> rule.forReputation(1.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[0, 1]");
  }
}
