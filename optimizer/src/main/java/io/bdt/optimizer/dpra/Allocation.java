package io.bdt.optimizer.dpra;

/**
 * A solution of an {@link AllocationProblem}.
 *
 * @param inferenceShare {@code f_n^I} per gateway, Hz (0 for gateways that need no share)
 * @param miningShare {@code f_m^B} per AP, Hz
 * @param objective the allocation objective at these shares (see {@link
 *     AllocationProblem#objective})
 */
public record Allocation(double[] inferenceShare, double[] miningShare, double objective) {}
