package io.bdt.optimizer.sim;

/**
 * What one algorithm's decision produced in one slot of a simulation.
 *
 * @param slot {@code t}, 0-based
 * @param inferenceLatencySeconds {@code sum_n D_n(t)}: summed task latency of all gateways, seconds
 * @param consensusLatencySeconds {@code D^C(t)}: expected consensus latency of the slot, seconds
 * @param reputation {@code R_m(t+1)} per AP: reputation after this slot's contribution, in [0, 1]
 * @param virtualQueue {@code Q_m(t+1)} per AP: reputation-deficit queue after this slot, >= 0
 * @param cut {@code k_n(t)} per gateway
 * @param tasks number of gateways with a task this slot
 * @param offloadedTasks gateways with a task whose cut is not fully local
 */
public record SlotOutcome(
    int slot,
    double inferenceLatencySeconds,
    double consensusLatencySeconds,
    double[] reputation,
    double[] virtualQueue,
    int[] cut,
    int tasks,
    int offloadedTasks) {

  /** {@code sum_n D_n(t) + D^C(t)}: the slot's objective value, seconds. */
  public double latencySeconds() {
    return inferenceLatencySeconds + consensusLatencySeconds;
  }

  /** {@code sum_m Q_m(t+1)}: total virtual-queue backlog after the slot. */
  public double backlog() {
    double sum = 0;
    for (double q : virtualQueue) {
      sum += q;
    }
    return sum;
  }
}
