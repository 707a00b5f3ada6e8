package io.bdt.dnn.split;

import io.bdt.dnn.graph.CutPoint;

/**
 * The result of running one cut's head then tail against the whole model.
 *
 * @param cut the cut that was checked
 * @param maxAbsDiff the largest absolute difference between any output element of head-then-tail
 *     and of the whole model
 */
public record CutCheck(CutPoint cut, double maxAbsDiff) {

  /** Whether the difference is within {@link SplitVerifier#TOLERANCE}. */
  public boolean passes() {
    return maxAbsDiff <= SplitVerifier.TOLERANCE;
  }
}
