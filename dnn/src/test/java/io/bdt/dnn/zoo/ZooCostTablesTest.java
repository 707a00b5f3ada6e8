package io.bdt.dnn.zoo;

import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.optimizer.cost.BuiltinModels;
import io.bdt.optimizer.cost.CostTable;
import io.bdt.optimizer.cost.CostTableJson;
import io.bdt.optimizer.cost.CostTableRules;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The optimizer's built-in cost tables are what the zoo gives: each resource equals {@link
 * ZooCostTables}' derivation from the zoo's ONNX graph, byte for byte, so the zoo stays the one
 * definition of these networks. When a zoo model changes, regenerate the resources with {@code
 * ./bdt dnn zoo-tables --out optimizer/src/main/resources/io/bdt/optimizer/cost/zoo}.
 */
class ZooCostTablesTest {

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void everyBuiltinTableIsTheZoosDerivation() throws IOException {
    assertThat(ZooCostTables.TABLE_NAMES.values()).containsExactlyElementsOf(BuiltinModels.names());
    for (Map.Entry<String, String> e : ZooCostTables.TABLE_NAMES.entrySet()) {
      String derived = ZooCostTables.json(e.getKey(), e.getValue());
      assertThat(resource(e.getValue()))
          .as(
              "%s: the optimizer's resource differs from the zoo; run ./bdt dnn zoo-tables",
              e.getValue())
          .isEqualTo(derived);
      CostTable table = CostTableJson.parse(derived, e.getValue());
      assertThat(CostTableRules.violations(table)).as(e.getValue()).isEmpty();
    }
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void blocksAreOneStageLabelledWithTheBlocksName() {
    CostTable resnet = CostTableJson.parse(ZooCostTables.json("resnet18", "resnet18"), "resnet18");
    assertThat(resnet.cuts()).hasSize(15);
    assertThat(resnet.cut(5).label()).isEqualTo("layer1.0");
    // after block layer2.0 its output (128x28x28) crosses, not a tensor inside the block
    assertThat(resnet.cut(7).label()).isEqualTo("layer2.0");
    assertThat(resnet.cut(7).bits()).isEqualTo(128.0 * 28 * 28 * 32);
    CostTable mobilenet =
        CostTableJson.parse(ZooCostTables.json("mobilenetv2", "mobilenet_v2"), "mobilenet_v2");
    assertThat(
            mobilenet.cuts().stream()
                .map(CostTable.Cut::label)
                .filter(label -> label.matches("features\\.([1-9]|1[0-7])")))
        .hasSize(17);
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = BuiltinModels.class.getResourceAsStream(BuiltinModels.resource(name))) {
      assertThat(in).as("resource of %s", name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
