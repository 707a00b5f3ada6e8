package io.bdt.optimizer.cost;

import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.optimizer.dpra.Dpra;
import io.bdt.optimizer.dpra.SlotObservation;
import io.bdt.optimizer.dpra.SystemParameters;
import io.bdt.optimizer.model.SlotCost;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DeployedCutsTest {

  /** Cuts of a made-up model: head FLOPs rise, bits rise and fall as tensors widen and narrow. */
  private static CostTable table(double[] head, double[] bits) {
    double total = head[head.length - 1];
    List<CostTable.Cut> cuts = new ArrayList<>();
    for (int k = 0; k < head.length; k++) {
      cuts.add(new CostTable.Cut(k, "c" + k, head[k], total - head[k], bits[k]));
    }
    return new CostTable("m", bits[0], 32, cuts);
  }

  /**
   * Cut 1 widens (above the hull), 2 narrows, 3 sits above the segment 2..4; 5 and 6 send more bits
   * than 4 but save tail work: the hull's rising side, kept for a slow AP.
   */
  private static final CostTable WIDENING_AND_NARROWING =
      table(
          new double[] {0, 10, 20, 30, 40, 50, 60, 100},
          new double[] {800, 1600, 300, 290, 100, 120, 400, 0});

  @Test
  void keepsTheLowerHullOfHeadFlopsAndBitsAndTheLocalCut() {
    assertThat(WIDENING_AND_NARROWING.deployedCuts()).containsExactly(0, 2, 4, 5, 6, 7);
  }

  @Test
  void aCutOfTheSameHeadFlopsAndMoreBitsIsNotDeployed() {
    CostTable t = table(new double[] {0, 10, 10, 100}, new double[] {800, 400, 500, 0});

    assertThat(t.deployedCuts()).containsExactly(0, 1, 3);
  }

  @Test
  void dpraNeverChoosesACutOutsideTheDeployedOnesWhateverTheRates() {
    CostTable t = WIDENING_AND_NARROWING;
    List<Integer> deployed = t.deployedCuts();
    SystemParameters p = io.bdt.optimizer.scenario.Scenario.defaults().systemParameters();
    Random random = new Random(7);
    for (int i = 0; i < 300; i++) {
      double gatewayFlops = Math.pow(10, random.nextDouble() * 6);
      double rate = Math.pow(10, 1 + random.nextDouble() * 5);
      SlotObservation o =
          new SlotObservation(
              new int[] {1 + random.nextInt(4)},
              List.of(t),
              new int[] {0},
              new double[] {rate},
              new double[] {gatewayFlops},
              new double[] {2e10},
              new double[] {random.nextDouble()},
              new double[] {random.nextDouble() * 10},
              new double[] {random.nextDouble() * 1e-3},
              new double[] {random.nextDouble() * 1e-2},
              new double[][] {{Math.pow(10, -3 + random.nextDouble() * 6)}});
      int cut = new Dpra(p).decide(o).cut()[0];
      assertThat(deployed).as("rates %g FLOP/s, %g bit/s", gatewayFlops, rate).contains(cut);
      assertThat(SlotCost.gatewayLatency(o, p, 0, cut, 0)).isNotNaN();
    }
  }
}
