package io.bdt.optimizer.dpra;

/**
 * What a controller decides for one slot.
 *
 * @param cut {@code k_n(t)} per gateway (index into that gateway's cost table)
 * @param inferenceShare {@code f_{m(n) n}^I(t)} per gateway: cycles/s its serving AP gives to its
 *     tail layers (0 when the gateway runs fully local or has no task)
 * @param miningShare {@code f_m^B(t)} per AP: cycles/s spent on block generation
 */
public record SlotDecision(int[] cut, double[] inferenceShare, double[] miningShare) {}
