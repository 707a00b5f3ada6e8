package io.bdt.optimizer.sim;

import java.util.Arrays;

/**
 * Time averages of one algorithm's run: the numbers the reports and the comparison table show.
 *
 * <p>Reputation averages are over {@code R_m(t+1)}, {@code t = 0..T-1}: the reputation each slot's
 * decision leads to. The constraint counts as satisfied when every AP's time average is at least
 * {@code R_min - }{@link #REPUTATION_TOLERANCE}.
 *
 * @param name the policy's report name
 * @param meanLatencySeconds time average of {@code sum_n D_n(t) + D^C(t)}, seconds
 * @param meanInferenceLatencySeconds time average of {@code sum_n D_n(t)}, seconds
 * @param meanConsensusLatencySeconds time average of {@code D^C(t)}, seconds
 * @param minTimeAverageReputation {@code min_m (1/T) sum_t R_m(t+1)}
 * @param constraintSatisfied whether every AP meets the long-term reputation floor
 * @param perApTimeAverageReputation {@code (1/T) sum_t R_m(t+1)} per AP
 * @param meanBacklog time average of {@code sum_m Q_m(t+1)}
 * @param finalBacklog {@code sum_m Q_m(T)}
 * @param offloadedTaskFraction share of tasks whose cut was not fully local
 */
public record AlgorithmSummary(
    String name,
    double meanLatencySeconds,
    double meanInferenceLatencySeconds,
    double meanConsensusLatencySeconds,
    double minTimeAverageReputation,
    boolean constraintSatisfied,
    double[] perApTimeAverageReputation,
    double meanBacklog,
    double finalBacklog,
    double offloadedTaskFraction) {

  /**
   * Absolute slack on the reputation floor. A finite run of a Lyapunov controller satisfies {@code
   * avg R_m >= R_min - Q_m(T)/T}, so a tiny shortfall is the queue not yet drained, not a
   * violation; a thousandth of the reputation scale absorbs that without hiding real misses.
   */
  public static final double REPUTATION_TOLERANCE = 1e-3;

  /** Computes the summary of {@code run} against the floor {@code rMin}. */
  public static AlgorithmSummary of(AlgorithmRun run, double rMin) {
    var slots = run.slots();
    if (slots.isEmpty()) {
      throw new IllegalArgumentException("run " + run.name() + " has no slots to summarise");
    }
    int aps = slots.get(0).reputation().length;
    double latency = 0;
    double inference = 0;
    double consensus = 0;
    double backlog = 0;
    long tasks = 0;
    long offloaded = 0;
    double[] reputation = new double[aps];
    for (SlotOutcome slot : slots) {
      latency += slot.latencySeconds();
      inference += slot.inferenceLatencySeconds();
      consensus += slot.consensusLatencySeconds();
      backlog += slot.backlog();
      tasks += slot.tasks();
      offloaded += slot.offloadedTasks();
      for (int m = 0; m < aps; m++) {
        reputation[m] += slot.reputation()[m];
      }
    }
    int t = slots.size();
    for (int m = 0; m < aps; m++) {
      reputation[m] /= t;
    }
    double minReputation = Arrays.stream(reputation).min().orElse(Double.NaN);
    return new AlgorithmSummary(
        run.name(),
        latency / t,
        inference / t,
        consensus / t,
        minReputation,
        minReputation >= rMin - REPUTATION_TOLERANCE,
        reputation,
        backlog / t,
        slots.get(t - 1).backlog(),
        tasks == 0 ? 0 : (double) offloaded / tasks);
  }
}
