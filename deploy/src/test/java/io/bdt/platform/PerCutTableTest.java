package io.bdt.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The markdown per-cut table that ./bdt reproduce --live writes for docs/benchmarks.md. */
@Timeout(10)
class PerCutTableTest {

  private static TaskHistory.Task task(String gateway, int cut, double measured, double cold) {
    return new TaskHistory.Task(
        gateway,
        "mobilenetv2",
        "bdt:c",
        1,
        "0x01",
        cut,
        cut,
        measured,
        0.100,
        cold,
        Double.NaN,
        Double.NaN);
  }

  @Test
  void rowsCarryTheGatewaysClassAndAMissIsBoldAndCounted() {
    List<PredictionError> pooled =
        PredictionError.perCut(
            List.of(
                task("gw2", 153, 0.110, 0), // +10 %: within
                task("gw3", 0, 0.150, 0), // +50 %: a miss
                task("gw3", 0, 0.900, 0.7))); // a cold start, reported apart
    String md = PerCutTable.markdown(pooled, Map.of("gw2", 1.0, "gw3", 0.25), List.of(), 0.3, 20);
    assertThat(md)
        .contains("| gw2, mobilenetv2 (1) | 153 | 1 | 110.00 | 100.00 | +10 % | - |")
        .contains("| gw3, mobilenetv2 (0.25) | 0 | 1 | 150.00 | 100.00 | **+50 %** | 1, 900.00,")
        .contains("within +-20 %: 1 of 2 (gateway, cut) pairs with warm tasks");
  }

  @Test
  void aGatewayOfUnknownClassSaysSo() {
    List<PredictionError> pooled = PredictionError.perCut(List.of(task("gw9", 153, 0.1, 0)));
    assertThat(PerCutTable.markdown(pooled, Map.of(), List.of(), 0.3, 20))
        .contains("| gw9, mobilenetv2 (?) | 153 |");
  }
}
