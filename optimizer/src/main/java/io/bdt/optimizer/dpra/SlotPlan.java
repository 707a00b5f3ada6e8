package io.bdt.optimizer.dpra;

/**
 * A slot decision together with what the planner expects it to cost.
 *
 * @param decision the cuts and shares
 * @param objective the full drift-plus-penalty value {@code V [sum_n D_n + D^C] - sum_m Q_m
 *     R_m(t+1)} of {@code decision}, constants included (the same number {@link
 *     io.bdt.optimizer.model.SlotCost#evaluate} reports)
 * @param evaluations how many cut combinations the planner scored with an exact allocation
 */
public record SlotPlan(SlotDecision decision, double objective, long evaluations) {}
