package io.bdt.parameters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ChainParametersTest {
  private static final ChainParameters P =
      new ChainParameters(20_000, 2, 1.3e4, 0.1, 0.3, 1, 0.15, 2e10, 16);

  @Test
  void ledgerContributionIsTheSumOfSharesOverTheBudget() {
    // two gateways given 5 GHz and 3 GHz of a 20 GHz AP: x_m = 8/20
    double served = P.slotFlops(5e9) + P.slotFlops(3e9);
    assertThat(served / P.ledgerCapacityFlops())
        .isCloseTo(0.4, org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void receiptsOfOneSlotSplitTheShareSoTheSlotCountsItOnce() {
    long perTask = P.receiptFlops(5e9, 4);
    assertThat(4 * perTask).isLessThanOrEqualTo(Math.round(P.slotFlops(5e9)));
    assertThat(4 * perTask).isGreaterThan(Math.round(P.slotFlops(5e9)) - 4);
  }

  @Test
  void aZeroShareStillRecordsTheLedgersMinimumOfOneFlop() {
    assertThat(P.receiptFlops(0, 1)).isEqualTo(1);
  }

  @Test
  void namesEveryBrokenField() {
    assertThatThrownBy(() -> new ChainParameters(0.5, -1, 0, 0, 2, 0, -1, 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("genesis.system.baseDifficulty: must be a whole number")
        .hasMessageContaining("genesis.system.eta: must be >= 0, was -1.0")
        .hasMessageContaining("genesis.system.cyclesPerHash")
        .hasMessageContaining("genesis.system.omega: must be in (0, 1]")
        .hasMessageContaining("genesis.system.rMin: must be in [0, 1], was 2.0")
        .hasMessageContaining("genesis.system.slotSeconds")
        .hasMessageContaining("genesis.system.consensusOverheadSeconds")
        .hasMessageContaining("genesis.system.apBudgetHz")
        .hasMessageContaining("genesis.system.apFlopsPerCycle");
  }

  @Test
  void theLedgerNeedsWholeSecondSlots() {
    ChainParameters fast = new ChainParameters(20_000, 2, 1.3e4, 0.1, 0.3, 0.1, 0.15, 2e10, 16);
    assertThatThrownBy(fast::ledgerSlotSeconds)
        .hasMessageContaining("genesis.system.slotSeconds: the ReputationLedger counts whole");
    assertThat(P.ledgerSlotSeconds()).isEqualTo(1);
  }

  @Test
  void difficultyFallsWithReputation() {
    assertThat(P.difficulty(1))
        .isCloseTo(20_000 * Math.exp(-2), org.assertj.core.data.Offset.offset(1e-9));
  }
}
