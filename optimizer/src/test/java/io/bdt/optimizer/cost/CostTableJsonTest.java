package io.bdt.optimizer.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CostTableJsonTest {

  private static final String VALID =
      """
      {
        "schemaVersion": 1,
        "model": "tiny",
        "inputBits": 800,
        "outputBits": 32,
        "metadata": {"profiledOn": "gateway-1"},
        "cuts": [
          {"id": 0, "label": "input", "headFlops": 0, "tailFlops": 100, "bits": 800},
          {"id": 1, "label": "conv1", "headFlops": 60, "tailFlops": 40, "bits": 320,
           "headSeconds": 0.002, "tailSeconds": 0.0005},
          {"id": 2, "label": "fc", "headFlops": 100, "tailFlops": 0, "bits": 0}
        ]
      }
      """;

  @Test
  void readsEveryFieldIncludingMeasuredSeconds() {
    CostTable table = CostTableJson.parse(VALID, "tiny.json");
    assertThat(table.model()).isEqualTo("tiny");
    assertThat(table.inputBits()).isEqualTo(800);
    assertThat(table.outputBits()).isEqualTo(32);
    assertThat(table.cuts()).hasSize(3);
    assertThat(table.cut(1))
        .isEqualTo(
            new CostTable.Cut(
                1, "conv1", 60, 40, 320, OptionalDouble.of(0.002), OptionalDouble.of(0.0005)));
    assertThat(table.cut(0).headSeconds()).isEmpty();
  }

  @Test
  void builtinTablesSurviveAWriteReadRoundTrip(@TempDir Path dir) {
    for (String name : BuiltinModels.names()) {
      CostTable table = BuiltinModels.get(name);
      Path file = dir.resolve(name + ".json");
      CostTableJson.write(table, file);
      assertThat(CostTableJson.read(file)).isEqualTo(table);
    }
  }

  @Test
  void writesWholeCountsWithoutAFraction() {
    String json = CostTableJson.write(CostTableJson.parse(VALID, "tiny.json"));
    assertThat(json).contains("\"headFlops\" : 60,").contains("\"headSeconds\" : 0.002");
    assertThat(json).startsWith("{\n  \"schemaVersion\" : 1,");
  }

  @Test
  void rejectsAMissingRequiredFieldNamingItsPath() {
    String json = VALID.replace("\"headFlops\": 60, ", "");
    assertThatThrownBy(() -> CostTableJson.parse(json, "tiny.json"))
        .isInstanceOf(InvalidCostTableException.class)
        .hasMessageContaining("invalid cost table tiny.json")
        .hasMessageContaining("cuts[1].headFlops: required");
  }

  @Test
  void rejectsAWrongTypeNamingItsPath() {
    String json = VALID.replace("\"bits\": 320", "\"bits\": \"320\"");
    assertThatThrownBy(() -> CostTableJson.parse(json, "tiny.json"))
        .hasMessageContaining("cuts[1].bits: must be a number, was \"320\"");
  }

  @Test
  void rejectsAnUnknownField() {
    String json = VALID.replace("\"tailSeconds\"", "\"tailSecs\"");
    assertThatThrownBy(() -> CostTableJson.parse(json, "tiny.json"))
        .hasMessageContaining("cuts[1].tailSecs: unknown field (known: bits, headFlops,");
  }

  @Test
  void rejectsAnotherSchemaVersion() {
    String json = VALID.replace("\"schemaVersion\": 1", "\"schemaVersion\": 2");
    assertThatThrownBy(() -> CostTableJson.parse(json, "tiny.json"))
        .hasMessageContaining("schemaVersion: must be 1, was 2");
  }

  @Test
  void rejectsATableThatBreaksAConsistencyRule() {
    String json =
        VALID.replace(
            "\"headFlops\": 100, \"tailFlops\": 0, \"bits\": 0",
            "\"headFlops\": 100, \"tailFlops\": 0, \"bits\": 8");
    assertThatThrownBy(() -> CostTableJson.parse(json, "tiny.json"))
        .isInstanceOfSatisfying(
            InvalidCostTableException.class,
            e ->
                assertThat(e.problems())
                    .isEqualTo(
                        List.of("cuts[2].bits: must be 0 (fully local sends nothing), was 8.0")));
  }

  @Test
  void rejectsMalformedJson() {
    assertThatThrownBy(() -> CostTableJson.parse("{\"model\": ", "broken.json"))
        .hasMessageContaining("invalid cost table broken.json")
        .hasMessageContaining("not valid JSON");
  }
}
