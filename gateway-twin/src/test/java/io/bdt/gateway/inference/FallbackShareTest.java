package io.bdt.gateway.inference;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A local fallback claims no more at its serving AP than the AP says it can claim in the slot
 * (docs/dpra.md, "Checking the claimed share"), so its offloads are not refused with {@code
 * BUDGET_EXCEEDED} and its prediction is for the share it runs with.
 */
@Timeout(10)
class FallbackShareTest {
  static final double BUDGET = 2e10;

  @Test
  void aShareThatFitsIsKept() {
    assertThat(SlotPlanner.fitShare(5e9, 6e9, BUDGET)).isEqualTo(5e9);
    // the AP did not say (an older AP, or no status): the decision stands
    assertThat(SlotPlanner.fitShare(1.5e10, Double.NaN, BUDGET)).isEqualTo(1.5e10);
  }

  @Test
  void aShareAboveWhatIsLeftIsCutToIt() {
    assertThat(SlotPlanner.fitShare(1.5e10, 7.5e9, BUDGET)).isEqualTo(7.5e9);
  }

  @Test
  void nothingLeftMeansRunningFullyLocal() {
    // the coordinator decided the slot without this gateway and gave the rest to mining
    assertThat(SlotPlanner.fitShare(1.5e10, 0, BUDGET)).isZero();
    // below the lane's smallest duty cycle's worth: not worth an offload
    assertThat(SlotPlanner.fitShare(1.5e10, 0.01 * BUDGET, BUDGET)).isZero();
    assertThat(SlotPlanner.fitShare(1.5e10, 0.05 * BUDGET, BUDGET)).isEqualTo(0.05 * BUDGET);
  }
}
