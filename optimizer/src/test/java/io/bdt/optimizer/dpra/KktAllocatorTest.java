package io.bdt.optimizer.dpra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KktAllocatorTest {

  private final KktAllocator allocator = new KktAllocator();

  @Test
  void singleGatewaySplitsByTheSquareRootsOfItsWeights() {
    // minimize a/f + V/(w (F - f)): a/f^2 = V/(w (F-f)^2)  =>  f = F sqrt(a) / (sqrt(a) +
    // sqrt(V/w))
    double a = 4;
    double v = 9;
    double w = 1;
    AllocationProblem problem =
        new AllocationProblem(
            v, new int[] {0}, new double[] {a}, new double[] {10}, new double[] {w}, new double[1]);
    Allocation allocation = allocator.allocate(problem);
    double expected = 10 * Math.sqrt(a) / (Math.sqrt(a) + Math.sqrt(v / w));
    assertThat(allocation.inferenceShare()[0]).isCloseTo(expected, within(1e-9));
    assertThat(allocation.miningShare()[0]).isCloseTo(10 - expected, within(1e-9));
  }

  @Test
  void apWithoutOffloadingGatewaysMinesItsWholeBudget() {
    AllocationProblem problem =
        new AllocationProblem(
            1,
            new int[] {0, 1},
            new double[] {2, 0},
            new double[] {10, 7},
            new double[] {1, 1},
            new double[] {0, 5});
    Allocation allocation = allocator.allocate(problem);
    assertThat(allocation.miningShare()[1]).isEqualTo(7.0);
    assertThat(allocation.inferenceShare()[1]).isZero();
  }

  @Test
  void highReputationPriceMovesTheWholeApToInferenceWhileAnotherApMines() {
    AllocationProblem problem =
        new AllocationProblem(
            1,
            new int[] {0},
            new double[] {1},
            new double[] {10, 10},
            new double[] {1, 1},
            new double[] {100, 0});
    Allocation allocation = allocator.allocate(problem);
    assertThat(allocation.miningShare()[0]).isZero();
    assertThat(allocation.inferenceShare()[0]).isCloseTo(10, within(1e-12));
    assertThat(allocation.miningShare()[1]).isCloseTo(10, within(1e-12));
  }

  @Test
  void gatewaysOfOneApShareInProportionToSquareRootWeights() {
    AllocationProblem problem =
        new AllocationProblem(
            2,
            new int[] {0, 0},
            new double[] {1, 9},
            new double[] {10},
            new double[] {0.5},
            new double[] {0.01});
    Allocation allocation = allocator.allocate(problem);
    assertThat(allocation.inferenceShare()[1] / allocation.inferenceShare()[0])
        .isCloseTo(3, within(1e-12));
  }

  @Test
  void satisfiesKktConditionsOnRandomInstances() {
    SplittableRandom random = new SplittableRandom(11);
    for (int trial = 0; trial < 200; trial++) {
      var instance =
          RandomInstances.instance(random, 1 + random.nextInt(12), 1 + random.nextInt(4), 2, 8);
      AllocationProblem problem =
          AllocationProblem.of(
              instance.observation(),
              instance.parameters(),
              RandomInstances.randomCuts(random, instance.observation()));
      Allocation allocation = allocator.allocate(problem);
      KktCheck.assertStationary(problem, allocation, 1e-9);
    }
  }
}
