package io.bdt.optimizer.dpra;

import io.bdt.optimizer.cost.CostTable;
import io.bdt.optimizer.model.ReputationDynamics;
import java.util.List;
import java.util.Objects;

/**
 * The DPRA control loop as a library: each slot it turns what the caller measured (tasks, uplink
 * rates, AP budgets) into cuts and AP shares, and it keeps every AP's reputation {@code R_m} and
 * virtual queue {@code Q_m} up to date from the contribution shares the caller reports.
 *
 * <p>Typical use on a gateway, once per slot of {@code tau} seconds:
 *
 * <pre>{@code
 * DpraController controller = new DpraController(parameters, new double[] {0.5, 0.5});
 * // start of slot t: channel estimates as uplink rates (bit/s), budgets (Hz), task sizes
 * SlotDecision decision =
 *     controller.decide(taskSamples, models, servingAp, uplinkRate, gatewayFlops, apBudget);
 * // ... run heads, offload tails with decision.inferenceShare(), APs mine with miningShare() ...
 * // end of slot t: x_m = FLOPs served by AP m per second (from signed receipts) / F_m
 * controller.recordContribution(measuredContributionShare);
 * }</pre>
 *
 * <p>Callers that keep {@code R} and {@code Q} elsewhere (the chain records reputations) use {@link
 * #decide(SlotObservation)}, which reads them from the observation and leaves this controller's
 * {@code R} and {@code Q} alone. Every decided slot, by either method, adds to the estimate of the
 * future value of reputation that DPRA learns ({@link Dpra#decide}); {@link #plan} does not.
 * Methods are synchronized, so one controller may be shared by threads.
 */
public final class DpraController {

  private final Dpra dpra;
  private final ReputationDynamics dynamics;
  private final double[] reputation;
  private final double[] virtualQueue;

  /**
   * A controller for {@code initialReputation.length} APs starting at the given reputations (each
   * in [0, 1]) and empty virtual queues.
   */
  public DpraController(SystemParameters parameters, double[] initialReputation) {
    Objects.requireNonNull(parameters, "parameters");
    Objects.requireNonNull(initialReputation, "initialReputation");
    if (initialReputation.length == 0) {
      throw new IllegalArgumentException("initialReputation needs one entry per AP, got none");
    }
    for (int m = 0; m < initialReputation.length; m++) {
      if (!(initialReputation[m] >= 0 && initialReputation[m] <= 1)) {
        throw new IllegalArgumentException(
            "initialReputation[" + m + "] must be in [0, 1], got " + initialReputation[m]);
      }
    }
    this.dpra = new Dpra(parameters);
    this.dynamics = ReputationDynamics.of(parameters);
    this.reputation = initialReputation.clone();
    this.virtualQueue = new double[initialReputation.length];
  }

  /** The decision for a slot whose reputations and queues the caller supplies. */
  public SlotDecision decide(SlotObservation observation) {
    return dpra.decide(observation);
  }

  /** The decision with its drift-plus-penalty value, for a fully supplied observation. */
  public SlotPlan plan(SlotObservation observation) {
    return dpra.plan(observation);
  }

  /**
   * The decision for this slot using the controller's own reputations and queues.
   *
   * @param taskSamples {@code b_n(t)} per gateway (0 = no task)
   * @param models the cost table of each gateway's DNN
   * @param servingAp {@code m(n)} per gateway
   * @param uplinkRate {@code r_n(t)} per gateway, bit/s (the channel estimate)
   * @param gatewayFlopsPerSecond {@code phi_G f_n^G} per gateway, FLOP/s
   * @param apBudget {@code F_m} per AP, Hz
   */
  public synchronized SlotDecision decide(
      int[] taskSamples,
      List<CostTable> models,
      int[] servingAp,
      double[] uplinkRate,
      double[] gatewayFlopsPerSecond,
      double[] apBudget) {
    return dpra.decide(
        new SlotObservation(
            taskSamples,
            models,
            servingAp,
            uplinkRate,
            gatewayFlopsPerSecond,
            apBudget,
            reputation.clone(),
            virtualQueue.clone()));
  }

  /**
   * Ends the slot: {@code R_m <- (1 - omega) R_m + omega x_m}, then {@code Q_m <- max(Q_m + R_min -
   * R_m, 0)}.
   *
   * @param contributionShare measured {@code x_m(t)} per AP, in [0, 1]
   */
  public synchronized void recordContribution(double[] contributionShare) {
    Objects.requireNonNull(contributionShare, "contributionShare");
    if (contributionShare.length != reputation.length) {
      throw new IllegalArgumentException(
          "contributionShare has length "
              + contributionShare.length
              + " but needs one entry per AP (M = "
              + reputation.length
              + ")");
    }
    double[] next = dynamics.nextReputation(reputation, contributionShare);
    double[] queue = dynamics.nextQueue(virtualQueue, next);
    System.arraycopy(next, 0, reputation, 0, next.length);
    System.arraycopy(queue, 0, virtualQueue, 0, queue.length);
  }

  /** {@code R_m} per AP (a copy). */
  public synchronized double[] reputation() {
    return reputation.clone();
  }

  /** {@code Q_m} per AP (a copy). */
  public synchronized double[] virtualQueue() {
    return virtualQueue.clone();
  }
}
