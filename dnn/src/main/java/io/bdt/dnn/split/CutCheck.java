package io.bdt.dnn.split;

import io.bdt.dnn.graph.CutPoint;

/**
 * The result of running one cut's head then tail against the whole model.
 *
 * @param cut the cut that was checked
 * @param maxAbsDiff the largest absolute difference between any output element of head-then-tail
 *     and of the whole model
 * @param worstRatio the largest {@code |split - whole| / allowed} over all output elements, where
 *     {@code allowed = max(ABS_TOLERANCE, REL_TOLERANCE * |whole|)}; at most 1 passes
 */
public record CutCheck(CutPoint cut, double maxAbsDiff, double worstRatio) {

  /**
   * Whether every element is within {@link SplitVerifier#ABS_TOLERANCE} absolute or {@link
   * SplitVerifier#REL_TOLERANCE} relative, whichever is larger.
   */
  public boolean passes() {
    return worstRatio <= 1;
  }
}
