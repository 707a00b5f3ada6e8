package io.bdt.dnn.vibration;

import static io.bdt.dnn.vibration.MachineState.BEARING_FAULT;
import static io.bdt.dnn.vibration.MachineState.IMBALANCE;
import static io.bdt.dnn.vibration.MachineState.NORMAL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConfusionMatrixTest {

  private final ConfusionMatrix m =
      ConfusionMatrix.of(
          List.of(NORMAL, NORMAL, NORMAL, BEARING_FAULT),
          List.of(NORMAL, NORMAL, BEARING_FAULT, BEARING_FAULT));

  @Test
  void accuracyIsTheDiagonalOverTheTotal() {
    assertThat(m.total()).isEqualTo(4);
    assertThat(m.accuracy()).isEqualTo(0.75);
  }

  @Test
  void recallIsPerTrueState() {
    assertThat(m.recall(NORMAL)).isEqualTo(2.0 / 3);
    assertThat(m.recall(BEARING_FAULT)).isEqualTo(1.0);
    assertThat(m.recall(IMBALANCE)).isZero();
  }

  @Test
  void markdownHasOneRowPerStateWithCountsAndRecall() {
    assertThat(m.toMarkdown())
        .contains("| normal | 2 | 0 | 0 | 1 | 66.7% |")
        .contains("| bearing_fault | 0 | 0 | 0 | 1 | 100.0% |");
  }

  @Test
  void countsCannotBeChangedFromOutside() {
    m.counts()[0][0] = 99;
    assertThat(m.counts()[0][0]).isEqualTo(2);
  }

  @Test
  void rejectsTruthAndPredictionsOfDifferentLengths() {
    assertThatThrownBy(() -> ConfusionMatrix.of(List.of(NORMAL), List.of()))
        .hasMessageContaining("1 true states but 0 predictions");
  }
}
