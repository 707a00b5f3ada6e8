package io.bdt.optimizer.dpra;

/** A policy that, given the APs in range of each gateway, also chooses who serves whom. */
public interface AssociationPolicy extends Policy {

  /** Decides serving APs, cuts and shares for the slot; records it like {@link #decide}. */
  AssociationPlan decide(SlotObservation observation, InRange inRange);
}
