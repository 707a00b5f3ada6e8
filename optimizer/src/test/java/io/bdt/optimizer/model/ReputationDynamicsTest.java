package io.bdt.optimizer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ReputationDynamicsTest {

  private final ReputationDynamics dynamics = new ReputationDynamics(0.1, 0.3);

  @Test
  void reputationMovesOmegaOfTheWayTowardsTheContributionShare() {
    // 0.9 * 0.5 + 0.1 * 0.8
    assertThat(dynamics.nextReputation(0.5, 0.8)).isCloseTo(0.53, within(1e-15));
  }

  @Test
  void queueGrowsByTheDeficitBelowTheFloor() {
    // 2 + 0.3 - 0.1
    assertThat(dynamics.nextQueue(2.0, 0.1)).isCloseTo(2.2, within(1e-15));
  }

  @Test
  void queueShrinksBySurplusButNeverBelowZero() {
    assertThat(dynamics.nextQueue(1.0, 0.5)).isCloseTo(0.8, within(1e-15));
    assertThat(dynamics.nextQueue(0.1, 0.9)).isZero();
  }

  @Test
  void updatesEveryApInArrays() {
    double[] next = dynamics.nextReputation(new double[] {0.0, 1.0}, new double[] {1.0, 0.0});
    assertThat(next[0]).isCloseTo(0.1, within(1e-15));
    assertThat(next[1]).isCloseTo(0.9, within(1e-15));
    assertThat(dynamics.nextQueue(new double[] {0, 0}, next)[0]).isCloseTo(0.2, within(1e-15));
  }

  @Test
  void rejectsContributionShareAboveOne() {
    assertThatThrownBy(() -> dynamics.nextReputation(0.5, 1.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("contributionShare");
  }

  @Test
  void rejectsOmegaOutsideUnitInterval() {
    assertThatThrownBy(() -> new ReputationDynamics(0, 0.3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("omega");
  }
}
