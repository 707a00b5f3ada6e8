package io.bdt.optimizer.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.optimizer.sim.AlgorithmSummary;
import java.util.List;
import org.junit.jupiter.api.Test;

class ComparisonTableTest {

  private static AlgorithmSummary summary(String name, double latency, boolean satisfied) {
    return new AlgorithmSummary(
        name,
        latency,
        latency - 1,
        1,
        satisfied ? 0.35 : 0.1,
        satisfied,
        new double[] {0.35},
        0,
        0,
        0.5);
  }

  private final List<AlgorithmSummary> summaries =
      List.of(
          summary("DPRA", 3.0, true),
          summary("GREEDY", 2.0, false),
          summary("FIXED_BEST", 5.0, true),
          summary("RANDOM", 4.0, true));

  @Test
  void ranksOnlyConstraintSatisfyingAlgorithmsByLatency() {
    assertThat(ComparisonTable.ranks(summaries)).containsExactly(1, 0, 3, 2);
  }

  @Test
  void textTableHasAHeaderAndOneLinePerAlgorithm() {
    String[] lines = ComparisonTable.text(summaries).split("\n");
    assertThat(lines).hasSize(5);
    assertThat(lines[0]).startsWith("algorithm").contains("latency (s)").contains("rank");
    assertThat(lines[2]).startsWith("GREEDY").contains("NO").endsWith("-");
    assertThat(lines[1]).startsWith("DPRA").contains("3.0000").contains("yes").endsWith("1");
  }

  @Test
  void csvLeavesTheRankEmptyForViolators() {
    String[] lines = ComparisonTable.csv(summaries).split("\n");
    assertThat(lines[0]).startsWith("algorithm,mean_latency_s");
    assertThat(lines[2]).startsWith("GREEDY,2.00000,").endsWith(",false,0.00000,");
    assertThat(lines[4]).endsWith(",true,0.00000,2");
  }
}
