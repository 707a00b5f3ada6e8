package io.bdt.optimizer.dpra;

/**
 * A per-slot decision rule: DPRA or one of the baselines. Implementations may keep state across
 * slots (a random generator, say) but must be deterministic for a given seed.
 */
public interface Policy {

  /** Name used in reports, e.g. {@code DPRA}, {@code LOCAL_ONLY}. */
  String name();

  /** Decides cuts and AP shares for the slot described by {@code observation}. */
  SlotDecision decide(SlotObservation observation);
}
