package io.bdt.optimizer.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class AlgorithmSummaryTest {

  private static SlotOutcome slot(int t, double latency, double r1, double r2, double q) {
    return new SlotOutcome(
        t, latency, 1.0, new double[] {r1, r2}, new double[] {q, 0}, new int[] {0, 2}, 2, 1);
  }

  private final AlgorithmRun run =
      new AlgorithmRun("X", List.of(slot(0, 2.0, 0.2, 0.6, 1.0), slot(1, 4.0, 0.4, 0.8, 3.0)));

  @Test
  void averagesLatencyAndBacklogOverSlots() {
    AlgorithmSummary summary = run.summary(0.3);
    assertThat(summary.meanLatencySeconds()).isCloseTo(4.0, within(1e-12));
    assertThat(summary.meanInferenceLatencySeconds()).isCloseTo(3.0, within(1e-12));
    assertThat(summary.meanConsensusLatencySeconds()).isCloseTo(1.0, within(1e-12));
    assertThat(summary.meanBacklog()).isCloseTo(2.0, within(1e-12));
    assertThat(summary.finalBacklog()).isEqualTo(3.0);
    assertThat(summary.offloadedTaskFraction()).isEqualTo(0.5);
  }

  @Test
  void judgesTheConstraintByTheWorstApsTimeAverage() {
    assertThat(run.summary(0.3).perApTimeAverageReputation())
        .containsExactly(new double[] {0.3, 0.7}, within(1e-12));
    assertThat(run.summary(0.3).minTimeAverageReputation()).isCloseTo(0.3, within(1e-12));
    assertThat(run.summary(0.3).constraintSatisfied()).isTrue();
    assertThat(run.summary(0.31).constraintSatisfied()).isFalse();
  }

  @Test
  void toleratesAShortfallSmallerThanTheDocumentedSlack() {
    assertThat(run.summary(0.3 + AlgorithmSummary.REPUTATION_TOLERANCE / 2).constraintSatisfied())
        .isTrue();
  }
}
