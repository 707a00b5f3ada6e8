package io.bdt.optimizer.dpra;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bdt.optimizer.cost.CostTable;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlotObservationTest {

  static final CostTable TABLE =
      new CostTable(
          "toy",
          8,
          8,
          List.of(new CostTable.Cut(0, "input", 0, 1, 8), new CostTable.Cut(1, "out", 1, 0, 0)));

  @Test
  void rejectsPerGatewayArrayOfWrongLength() {
    assertThatThrownBy(
            () ->
                new SlotObservation(
                    new int[] {1, 1},
                    List.of(TABLE, TABLE),
                    new int[] {0, 0},
                    new double[] {1},
                    new double[] {1, 1},
                    new double[] {1},
                    new double[] {0},
                    new double[] {0}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("uplinkRate has length 1")
        .hasMessageContaining("N = 2");
  }

  @Test
  void rejectsServingApOutOfRange() {
    assertThatThrownBy(
            () ->
                new SlotObservation(
                    new int[] {1},
                    List.of(TABLE),
                    new int[] {1},
                    new double[] {1},
                    new double[] {1},
                    new double[] {1},
                    new double[] {0},
                    new double[] {0}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("servingAp[0]");
  }

  @Test
  void rejectsReputationOutsideUnitInterval() {
    assertThatThrownBy(
            () ->
                new SlotObservation(
                    new int[] {1},
                    List.of(TABLE),
                    new int[] {0},
                    new double[] {1},
                    new double[] {1},
                    new double[] {1},
                    new double[] {1.5},
                    new double[] {0}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reputation[0]");
  }

  @Test
  void rejectsParametersWithOmegaAboveOne() {
    assertThatThrownBy(() -> new SystemParameters(1, 1, 1, 1, 1, 1.5, 0.3, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("omega");
  }
}
