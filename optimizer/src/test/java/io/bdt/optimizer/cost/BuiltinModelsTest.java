package io.bdt.optimizer.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class BuiltinModelsTest {

  @ParameterizedTest
  @ValueSource(strings = {"alexnet", "vgg16", "resnet18", "mobilenet_v2", "vibration"})
  void builtinTablesSatisfyTheCostTableRules(String name) {
    assertThat(CostTableRules.violations(BuiltinModels.get(name))).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
    "alexnet, 4816896, 32000",
    "vgg16, 4816896, 32000",
    "resnet18, 4816896, 32000",
    "mobilenet_v2, 4816896, 32000",
    "vibration, 32768, 128"
  })
  void inputAndOutputBitsAreFloat32Tensors(String name, double inputBits, double outputBits) {
    // 3*224*224*32 = 4 816 896; 1000 logits * 32; vibration: 1024*32 and 4 probabilities * 32.
    CostTable table = BuiltinModels.get(name);
    assertThat(table.inputBits()).isEqualTo(inputBits);
    assertThat(table.outputBits()).isEqualTo(outputBits);
  }

  @Test
  void alexnetFirstCutSendsTheFirstConvolutionOutput() {
    // conv 11x11 stride 4 pad 2 on 224: floor((224 + 4 - 11) / 4) + 1 = 55 -> 64x55x55 floats.
    CostTable.Cut cut = BuiltinModels.get("alexnet").cut(1);
    assertThat(cut.label()).isEqualTo("features.0");
    assertThat(cut.bits()).isEqualTo(64.0 * 55 * 55 * 32);
    // 2 * (3*11*11) * 64*55*55 multiply-adds plus one bias add per output.
    assertThat(cut.headFlops()).isEqualTo(2.0 * 3 * 11 * 11 * 64 * 55 * 55 + 64 * 55 * 55);
  }

  @Test
  void resnet18CutsLieAtBlockBoundaries() {
    CostTable table = BuiltinModels.get("resnet18");
    assertThat(table.cuts().stream().map(CostTable.Cut::label))
        .containsExactly(
            "input",
            "conv1",
            "bn1",
            "relu",
            "maxpool",
            "layer1.0",
            "layer1.1",
            "layer2.0",
            "layer2.1",
            "layer3.0",
            "layer3.1",
            "layer4.0",
            "layer4.1",
            "avgpool",
            "fc");
    // After layer2.0 the tensor is 128x28x28.
    assertThat(table.cut(7).bits()).isEqualTo(128.0 * 28 * 28 * 32);
  }

  @Test
  void mobilenetV2HasSeventeenInvertedResidualBlocks() {
    CostTable table = BuiltinModels.get("mobilenet_v2");
    long blocks =
        table.cuts().stream()
            .map(CostTable.Cut::label)
            .filter(label -> label.matches("features\\.([1-9]|1[0-7])"))
            .count();
    assertThat(blocks).isEqualTo(17);
    assertThat(table.fullyLocalCut()).isEqualTo(3 + 17 + 3 + 1 + 1);
  }

  @Test
  void vibrationModelMirrorsThePlatformClassifierChain() {
    CostTable table = BuiltinModels.get("vibration");
    assertThat(table.cuts().stream().map(CostTable.Cut::label))
        .containsExactly(
            "window",
            "dft",
            "power_parts",
            "band_power",
            "band_magnitude",
            "band_root",
            "fc1",
            "relu1",
            "fc2",
            "relu2",
            "logits",
            "probabilities");
    // After the DFT: 156 cos/sin pairs; after the band sum: 69 bands.
    assertThat(table.cut(1).bits()).isEqualTo(312.0 * 32);
    assertThat(table.cut(3).bits()).isEqualTo(69.0 * 32);
    // DFT as a 1024x312 matrix product: 2 FLOPs per multiply-add, no bias.
    assertThat(table.cut(1).headFlops()).isEqualTo(2.0 * 1024 * 312);
  }

  @Test
  void tablesAreReadOnceAndShared() {
    assertThat(BuiltinModels.get("vgg16")).isSameAs(BuiltinModels.get("vgg16"));
  }

  @Test
  void acceptsTheDnnZooNameOfMobileNetV2AsAnAlias() {
    assertThat(BuiltinModels.contains("mobilenetv2")).isTrue();
    assertThat(BuiltinModels.canonical("mobilenetv2")).isEqualTo("mobilenet_v2");
    assertThat(BuiltinModels.get("mobilenetv2")).isSameAs(BuiltinModels.get("mobilenet_v2"));
    assertThat(BuiltinModels.get("mobilenetv2").model()).isEqualTo("mobilenet_v2");
    assertThat(BuiltinModels.names()).doesNotContain("mobilenetv2");
  }

  @Test
  void rejectsUnknownModelNamingTheBuiltins() {
    assertThatThrownBy(() -> BuiltinModels.get("resnet50"))
        .hasMessage(
            "model: unknown built-in model 'resnet50' (built-in: alexnet, vgg16, resnet18,"
                + " mobilenet_v2, vibration)");
  }
}
