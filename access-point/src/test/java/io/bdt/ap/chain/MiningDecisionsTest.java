package io.bdt.ap.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bdt.ap.chain.MiningDecisions.Outcome;
import io.bdt.consensus.pow.Miner;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * The rule that turns gateways' decisions into the running miner's share (budget 2e10 Hz, 2 cores).
 */
class MiningDecisionsTest {
  static final double BUDGET = 2e10;

  /** A clock the test moves by hand. */
  static final class SteppedClock extends Clock {
    Instant now = Instant.parse("2026-11-24T19:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  final SteppedClock clock = new SteppedClock();
  // a real (idle) miner: the share read back is what a running node would mine with
  final Miner miner = new Miner(MiningShares.of(1e10, BUDGET, 2));
  final MiningDecisions decisions =
      new MiningDecisions(
          miner::setShare, BUDGET, 2, 1e10, Duration.ofSeconds(10), Duration.ofSeconds(1), clock);

  @Test
  void startsWithTheConfiguredShareNotYetApplied() {
    assertThat(decisions.inForce().miningShareHz()).isEqualTo(1e10);
    assertThat(decisions.inForce().appliedAt()).isEmpty();
    assertThat(decisions.changes()).isZero();
  }

  @Test
  void firstDecisionAppliesAtOnceAndIsReadBackFromTheMiner() {
    assertThat(decisions.offer("gw0", 3, 2e10)).isEqualTo(Outcome.APPLIED);

    assertThat(miner.share()).isEqualTo(MiningShares.of(2e10, BUDGET, 2));
    assertThat(miner.share().threads()).isEqualTo(2);
    assertThat(decisions.inForce().appliedAt()).contains(clock.now);
    assertThat(decisions.changes()).isEqualTo(1);
  }

  @Test
  void repeatedOrNearlyEqualDecisionsDoNotReconfigure() {
    decisions.offer("gw0", 1, 4e9);
    for (int slot = 2; slot < 50; slot++) {
      assertThat(decisions.offer("gw0", slot, 4e9 + slot)).isEqualTo(Outcome.UNCHANGED);
    }

    assertThat(decisions.changes()).isEqualTo(1);
    assertThat(miner.shareChanges()).isEqualTo(1);
  }

  @Test
  void minesWithTheSmallestLiveDecisionOfTheGateways() {
    decisions.offer("gw0", 10, 1.6e10);
    clock.advance(Duration.ofSeconds(2));
    decisions.offer("gw1", 4, 4e9);

    assertThat(decisions.inForce().miningShareHz()).isEqualTo(4e9);
    assertThat(miner.share()).isEqualTo(MiningShares.of(4e9, BUDGET, 2));
    assertThat(decisions.decidedHz()).isEqualTo(4e9);
  }

  @Test
  void decreaseAppliesAtOnceIncreaseWaitsForTheMinimumInterval() {
    decisions.offer("gw0", 1, 8e9);
    assertThat(decisions.offer("gw0", 2, 2e9)).isEqualTo(Outcome.APPLIED);
    assertThat(decisions.offer("gw0", 3, 1.8e10)).isEqualTo(Outcome.DEFERRED);
    assertThat(miner.share()).isEqualTo(MiningShares.of(2e9, BUDGET, 2));

    clock.advance(Duration.ofMillis(1001));
    assertThat(decisions.tick()).isEqualTo(Outcome.APPLIED);

    assertThat(miner.share()).isEqualTo(MiningShares.of(1.8e10, BUDGET, 2));
    assertThat(decisions.changes()).isEqualTo(3);
  }

  @Test
  void olderSlotFromTheSameGatewayIsStale() {
    decisions.offer("gw0", 7, 4e9);

    assertThat(decisions.offer("gw0", 6, 2e9)).isEqualTo(Outcome.STALE);
    assertThat(decisions.inForce().miningShareHz()).isEqualTo(4e9);
  }

  @Test
  void expiredDecisionNoLongerHoldsTheShareDown() {
    decisions.offer("gw0", 1, 2e9);
    decisions.offer("gw1", 1, 1.2e10);
    clock.advance(Duration.ofSeconds(11));

    assertThat(decisions.offer("gw1", 12, 1.2e10)).isEqualTo(Outcome.APPLIED);
    assertThat(miner.share()).isEqualTo(MiningShares.of(1.2e10, BUDGET, 2));
  }

  @Test
  void restartedGatewayCountsAgainOnceItsOldDecisionExpired() {
    decisions.offer("gw0", 500, 4e9);
    assertThat(decisions.offer("gw0", 0, 1.4e10)).isEqualTo(Outcome.STALE);
    clock.advance(Duration.ofSeconds(11));

    assertThat(decisions.offer("gw0", 1, 1.4e10)).isEqualTo(Outcome.APPLIED);
  }

  @Test
  void rejectsShareOutsideTheBudgetAndChangesNothing() {
    for (double bad : new double[] {Double.NaN, -1, 2.1e10, Double.POSITIVE_INFINITY}) {
      assertThatThrownBy(() -> decisions.offer("gw0", 1, bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("miningShare: must be in [0, 2.0E10] Hz");
    }
    assertThat(decisions.changes()).isZero();
    assertThat(miner.share()).isEqualTo(MiningShares.of(1e10, BUDGET, 2));
  }

  @Test
  void theCoordinatorsJointDecisionWinsOverTheGatewaysWhileItIsLive() {
    decisions.offer("0xgw1", 5, 4e9);
    assertThat(decisions.joint(5, 1.5e10, "0xap0")).isEqualTo(Outcome.DEFERRED); // an increase
    clock.advance(Duration.ofSeconds(2));
    decisions.tick();
    decisions.offer("0xgw1", 6, 2e9); // a gateway's own decision does not lower it now

    assertThat(decisions.decidedHz()).isEqualTo(1.5e10);
    assertThat(decisions.inForce().miningShareHz()).isEqualTo(1.5e10);
    assertThat(decisions.source()).isEqualTo(MiningDecisions.Source.COORDINATOR);
  }

  @Test
  void theGatewaysDecisionsCountAgainOnceTheJointDecisionExpired() {
    decisions.joint(5, 6e9, "0xap0");
    clock.advance(Duration.ofSeconds(11));
    decisions.offer("0xgw1", 17, 4e9);

    assertThat(decisions.decidedHz()).isEqualTo(4e9);
    assertThat(decisions.source()).isEqualTo(MiningDecisions.Source.GATEWAYS);
  }

  @Test
  void aJointDecisionOfAnOlderSlotIsStale() {
    decisions.joint(7, 6e9, "0xap0");
    assertThat(decisions.joint(6, 2e9, "0xap1")).isEqualTo(Outcome.STALE);
    assertThat(decisions.decidedHz()).isEqualTo(6e9);
    assertThatThrownBy(() -> decisions.joint(8, 3e10, "0xap0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("miningShareHz: must be in [0, 2.0E10] Hz");
  }
}
