package io.bdt.optimizer.report;

import io.bdt.optimizer.sim.AlgorithmSummary;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Formats algorithm summaries as the {@code ./bdt compare} table (text) or CSV, with each
 * algorithm's latency rank among those that satisfy the reputation constraint.
 */
public final class ComparisonTable {

  private ComparisonTable() {}

  /**
   * Rank by mean latency (1 = fastest) among constraint-satisfying algorithms, in the order of
   * {@code summaries}; 0 for an algorithm that violates the constraint.
   */
  public static int[] ranks(List<AlgorithmSummary> summaries) {
    List<AlgorithmSummary> feasible =
        summaries.stream()
            .filter(AlgorithmSummary::constraintSatisfied)
            .sorted(Comparator.comparingDouble(AlgorithmSummary::meanLatencySeconds))
            .toList();
    int[] ranks = new int[summaries.size()];
    for (int i = 0; i < ranks.length; i++) {
      ranks[i] = feasible.indexOf(summaries.get(i)) + 1;
    }
    return ranks;
  }

  /** A fixed-width text table, one line per algorithm. */
  public static String text(List<AlgorithmSummary> summaries) {
    int[] ranks = ranks(summaries);
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "%-13s %14s %14s %14s %12s %10s %11s %5s%n",
            "algorithm",
            "latency (s)",
            "tasks (s)",
            "consensus (s)",
            "min avg R_m",
            "R >= Rmin",
            "backlog",
            "rank"));
    for (int i = 0; i < summaries.size(); i++) {
      AlgorithmSummary s = summaries.get(i);
      out.append(
          String.format(
              Locale.ROOT,
              "%-13s %14.4f %14.4f %14.4f %12.4f %10s %11.3f %5s%n",
              s.name(),
              s.meanLatencySeconds(),
              s.meanInferenceLatencySeconds(),
              s.meanConsensusLatencySeconds(),
              s.minTimeAverageReputation(),
              s.constraintSatisfied() ? "yes" : "NO",
              s.meanBacklog(),
              ranks[i] == 0 ? "-" : Integer.toString(ranks[i])));
    }
    return out.toString();
  }

  /** The same table as CSV with a header line. */
  public static String csv(List<AlgorithmSummary> summaries) {
    int[] ranks = ranks(summaries);
    StringBuilder out =
        new StringBuilder(
            "algorithm,mean_latency_s,mean_inference_latency_s,mean_consensus_latency_s,"
                + "min_time_average_reputation,constraint_satisfied,mean_backlog,rank\n");
    for (int i = 0; i < summaries.size(); i++) {
      AlgorithmSummary s = summaries.get(i);
      out.append(
          String.format(
              Locale.ROOT,
              "%s,%.6g,%.6g,%.6g,%.6g,%s,%.6g,%s%n",
              s.name(),
              s.meanLatencySeconds(),
              s.meanInferenceLatencySeconds(),
              s.meanConsensusLatencySeconds(),
              s.minTimeAverageReputation(),
              s.constraintSatisfied(),
              s.meanBacklog(),
              ranks[i] == 0 ? "" : Integer.toString(ranks[i])));
    }
    return out.toString();
  }
}
