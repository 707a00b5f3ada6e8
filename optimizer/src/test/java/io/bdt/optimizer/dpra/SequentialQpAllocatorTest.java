package io.bdt.optimizer.dpra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SequentialQpAllocatorTest {

  @Test
  void agreesWithKktAllocatorOnRandomInstances() {
    SplittableRandom random = new SplittableRandom(2024);
    KktAllocator kkt = new KktAllocator();
    SequentialQpAllocator qp = new SequentialQpAllocator();
    double worstObjective = 0;
    double worstShare = 0;
    for (int trial = 0; trial < 120; trial++) {
      var instance =
          RandomInstances.instance(random, 1 + random.nextInt(8), 1 + random.nextInt(4), 2, 6);
      AllocationProblem problem =
          AllocationProblem.of(
              instance.observation(),
              instance.parameters(),
              RandomInstances.randomCuts(random, instance.observation()));
      Allocation exact = kkt.allocate(problem);
      Allocation sequential = qp.allocate(problem);
      // the objective mixes positive latency terms with a negative reputation reward, so the
      // gap is measured against the sum of the terms' magnitudes, which cannot be near zero
      double gap = Math.abs(sequential.objective() - exact.objective()) / magnitude(problem, exact);
      worstObjective = Math.max(worstObjective, gap);
      for (int n = 0; n < problem.gateways(); n++) {
        double budget = problem.budget()[problem.servingAp()[n]];
        worstShare =
            Math.max(
                worstShare,
                Math.abs(sequential.inferenceShare()[n] - exact.inferenceShare()[n]) / budget);
      }
      for (int a = 0; a < problem.accessPoints(); a++) {
        worstShare =
            Math.max(
                worstShare,
                Math.abs(sequential.miningShare()[a] - exact.miningShare()[a])
                    / problem.budget()[a]);
      }
      assertThat(sequential.objective())
          .as("the exact allocation is never beaten (trial %d)", trial)
          .isGreaterThanOrEqualTo(exact.objective() - 1e-9 * magnitude(problem, exact));
    }
    assertThat(worstObjective).as("worst relative objective gap").isLessThan(1e-6);
    assertThat(worstShare).as("worst share difference / F_m").isLessThan(1e-3);
  }

  /** {@code sum a/f + V/S + sum q f}: the objective with every term taken positive. */
  static double magnitude(AllocationProblem p, Allocation x) {
    double value = 0;
    double s = 0;
    for (int n = 0; n < p.gateways(); n++) {
      if (p.needsShare(n)) {
        value += p.tailWeight()[n] / x.inferenceShare()[n];
        value += p.reputationPrice()[p.servingAp()[n]] * x.inferenceShare()[n];
      }
    }
    for (int a = 0; a < p.accessPoints(); a++) {
      s += p.miningWeight()[a] * x.miningShare()[a];
    }
    return value + p.v() / s;
  }
}
