package io.bdt.ap.status;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * This AP's reputation over time and its virtual queue {@code Q_m(t+1) = max(Q_m(t) + R_min -
 * R_m(t+1), 0)} (system-model.md, "Lyapunov method"), advanced once per slot with demand with the
 * reputation the chain records; over a slot without demand the reputation is recorded and the queue
 * holds (docs/dpra.md, "Q_m over slots with demand").
 */
public final class ReputationTrack {

  /** One slot's observation; {@code demand}: whether the queue advanced in it. */
  public record Point(
      long slot,
      long epochMillis,
      long blockNumber,
      double reputation,
      double queue,
      boolean demand) {}

  private static final int KEEP = 3600;
  private final double reputationFloor;
  private final Deque<Point> history = new ArrayDeque<>();
  private double queue;
  private double reputation;

  /**
   * @param reputationFloor {@code R_min}
   */
  public ReputationTrack(double reputationFloor) {
    if (!(reputationFloor >= 0 && reputationFloor <= 1)) {
      throw new IllegalArgumentException(
          "reputationFloor: must be in [0, 1], got " + reputationFloor);
    }
    this.reputationFloor = reputationFloor;
  }

  /**
   * Closes slot {@code slot} with the chain's reputation {@code reputation} at {@code block}; the
   * queue advances only when the slot had {@code demand}.
   */
  public synchronized Point advance(
      long slot, long epochMillis, long block, double reputation, boolean demand) {
    this.reputation = reputation;
    if (demand) {
      queue = Math.max(queue + reputationFloor - reputation, 0);
    }
    Point p = new Point(slot, epochMillis, block, reputation, queue, demand);
    history.addLast(p);
    if (history.size() > KEEP) {
      history.removeFirst();
    }
    return p;
  }

  /** {@code Q_m(t)}. */
  public synchronized double queue() {
    return queue;
  }

  /** {@code R_m(t)} as last read from the chain. */
  public synchronized double reputation() {
    return reputation;
  }

  /** The last {@code KEEP} slots, oldest first. */
  public synchronized List<Point> history() {
    return new ArrayList<>(history);
  }
}
