package io.bdt.optimizer.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class CostTableRulesTest {

  private static CostTable table(CostTable.Cut... cuts) {
    return new CostTable("m", 800, 32, List.of(cuts));
  }

  private static final CostTable.Cut INPUT = new CostTable.Cut(0, "input", 0, 100, 800);
  private static final CostTable.Cut MIDDLE = new CostTable.Cut(1, "mid", 60, 40, 320);
  private static final CostTable.Cut LOCAL = new CostTable.Cut(2, "out", 100, 0, 0);

  @Test
  void acceptsAConsistentTable() {
    assertThat(CostTableRules.violations(table(INPUT, MIDDLE, LOCAL))).isEmpty();
    CostTable twoCuts = table(INPUT, new CostTable.Cut(1, "out", 100, 0, 0));
    assertThat(CostTableRules.requireValid(twoCuts)).isSameAs(twoCuts);
  }

  @Test
  void cutIdsMustBeConsecutiveFromZero() {
    CostTable.Cut skipped = new CostTable.Cut(2, "mid", 60, 40, 320);
    assertThat(CostTableRules.violations(table(INPUT, skipped, LOCAL)))
        .containsExactly("cuts[1].id: must be 1 (ids consecutive from 0), was 2");
  }

  @Test
  void headFlopsMustNotDecrease() {
    CostTable.Cut a = new CostTable.Cut(1, "a", 60, 40, 320);
    CostTable.Cut b = new CostTable.Cut(2, "b", 50, 50, 320);
    CostTable.Cut local = new CostTable.Cut(3, "out", 100, 0, 0);
    assertThat(CostTableRules.violations(table(INPUT, a, b, local)))
        .contains(
            "cuts[2].headFlops: must be >= cuts[1].headFlops (head FLOPs never decrease), was 50.0",
            "cuts[2].tailFlops: must be <= cuts[1].tailFlops (tail FLOPs never increase), was 50.0");
  }

  @Test
  void headPlusTailMustBeTheModelTotalAtEveryCut() {
    CostTable.Cut wrong = new CostTable.Cut(1, "mid", 60, 50, 320);
    assertThat(CostTableRules.violations(table(INPUT, wrong, LOCAL)))
        .containsExactly(
            "cuts[1]: headFlops + tailFlops must equal the model total 100.0 (as at cut 0), was"
                + " 110.0");
  }

  @Test
  void fullOffloadRunsNothingOnTheGatewayAndSendsTheInput() {
    CostTable.Cut input = new CostTable.Cut(0, "input", 0, 100, 700);
    assertThat(CostTableRules.violations(table(input, MIDDLE, LOCAL)))
        .containsExactly(
            "cuts[0].bits: must equal inputBits 800.0 (full offload sends the input), was 700.0");
    CostTable.Cut busy = new CostTable.Cut(0, "input", 10, 90, 800);
    CostTable.Cut local = new CostTable.Cut(1, "out", 100, 0, 0);
    assertThat(CostTableRules.violations(table(busy, local)))
        .contains("cuts[0].headFlops: must be 0 (full offload), was 10.0");
  }

  @Test
  void fullyLocalLeavesNoTailAndSendsNothing() {
    CostTable.Cut local = new CostTable.Cut(2, "out", 90, 10, 0);
    assertThat(CostTableRules.violations(table(INPUT, MIDDLE, local)))
        .contains("cuts[2].tailFlops: must be 0 (fully local), was 10.0");
  }

  @Test
  void numbersMustBeNonNegativeAndFinite() {
    CostTable.Cut negative = new CostTable.Cut(1, "mid", 60, 40, -1);
    assertThat(CostTableRules.violations(table(INPUT, negative, LOCAL)))
        .containsExactly("cuts[1].bits: must be a finite number >= 0, was -1.0");
    CostTable.Cut timed =
        new CostTable.Cut(
            1, "mid", 60, 40, 320, OptionalDouble.of(Double.NaN), OptionalDouble.empty());
    assertThat(CostTableRules.violations(table(INPUT, timed, LOCAL)))
        .containsExactly("cuts[1].headSeconds: must be a finite number >= 0, was NaN");
  }

  @Test
  void needsBothEndCuts() {
    assertThat(CostTableRules.violations(table(INPUT)))
        .containsExactly("cuts: must hold at least 2 cuts (full offload and fully local), had 1");
  }

  @Test
  void requireValidListsEveryProblem() {
    CostTable bad = new CostTable("m", 0, -1, List.of(INPUT, MIDDLE, LOCAL));
    assertThatThrownBy(() -> CostTableRules.requireValid(bad))
        .isInstanceOf(InvalidCostTableException.class)
        .hasMessageContaining("inputBits: must be > 0, was 0.0")
        .hasMessageContaining("outputBits: must be a finite number >= 0, was -1.0");
  }
}
