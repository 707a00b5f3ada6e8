package io.bdt.optimizer.joint;

/**
 * One AP's state at the start of a slot, as the coordinator reads it from the AP.
 *
 * @param budget {@code F_m}: compute budget, Hz (an AP that does not answer counts with 1 Hz, so
 *     the solve gives it no work)
 * @param reputation {@code R_m(t)} in [0, 1], the chain's
 * @param virtualQueue {@code Q_m(t)} >= 0, held by the AP itself
 */
public record ApState(double budget, double reputation, double virtualQueue) {

  /** The state of an AP that did not answer: no budget to speak of, no reputation, no queue. */
  public static final ApState UNREACHABLE = new ApState(1, 0, 0);
}
