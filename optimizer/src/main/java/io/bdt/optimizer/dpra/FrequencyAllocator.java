package io.bdt.optimizer.dpra;

/**
 * Solves the frequency allocation for fixed cuts ({@link AllocationProblem}) to optimality. Two
 * independent implementations exist so that each checks the other.
 */
public sealed interface FrequencyAllocator permits KktAllocator, SequentialQpAllocator {

  /** The optimal shares of {@code problem}. */
  Allocation allocate(AllocationProblem problem);
}
