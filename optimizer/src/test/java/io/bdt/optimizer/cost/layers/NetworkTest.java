package io.bdt.optimizer.cost.layers;

import static io.bdt.optimizer.cost.layers.Layer.adaptiveAvgPool;
import static io.bdt.optimizer.cost.layers.Layer.batchnorm;
import static io.bdt.optimizer.cost.layers.Layer.concat;
import static io.bdt.optimizer.cost.layers.Layer.conv1d;
import static io.bdt.optimizer.cost.layers.Layer.conv2d;
import static io.bdt.optimizer.cost.layers.Layer.flatten;
import static io.bdt.optimizer.cost.layers.Layer.linear;
import static io.bdt.optimizer.cost.layers.Layer.maxpool;
import static io.bdt.optimizer.cost.layers.Layer.relu;
import static io.bdt.optimizer.cost.layers.Layer.residual;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bdt.optimizer.cost.CostTable;
import io.bdt.optimizer.cost.CostTableRules;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetworkTest {

  @Test
  void convolutionCountsMultiplyAddsAsTwoFlopsPlusBias() {
    // 3x8x8 -> conv 4 filters 3x3 stride 1 pad 1 -> 4x8x8.
    LayerCost cost = conv2d(4, 3, 1, 1).apply(TensorShape.image(3, 8, 8));
    assertThat(cost.output()).isEqualTo(TensorShape.image(4, 8, 8));
    long macs = 3L * 3 * 3 * 4 * 8 * 8;
    assertThat(cost.macs()).isEqualTo(macs);
    assertThat(cost.flops()).isEqualTo(2 * macs + 4 * 8 * 8);
    assertThat(cost.parameters()).isEqualTo(3 * 3 * 3 * 4 + 4);
  }

  @Test
  void groupedConvolutionDividesInputChannelsByGroups() {
    // Depth-wise: 8 groups of one channel each.
    LayerCost cost = conv2d(8, 3, 2, 1, 8, false).apply(TensorShape.image(8, 10, 10));
    assertThat(cost.output()).isEqualTo(TensorShape.image(8, 5, 5));
    assertThat(cost.macs()).isEqualTo(9L * 8 * 5 * 5);
    assertThat(cost.parameters()).isEqualTo(9 * 8);
  }

  @Test
  void oneDimensionalConvolutionSlidesAlongTheSignal() {
    // (1024 + 2*28 - 64) / 8 + 1 = 128
    LayerCost cost = conv1d(16, 64, 8, 28).apply(TensorShape.signal(3, 1024));
    assertThat(cost.output()).isEqualTo(TensorShape.signal(16, 128));
    assertThat(cost.macs()).isEqualTo(3L * 64 * 16 * 128);
  }

  @Test
  void poolingCostsItsWindowPerOutputAndRoundsDown() {
    LayerCost cost = maxpool(3, 2, 0).apply(TensorShape.image(64, 55, 55));
    assertThat(cost.output()).isEqualTo(TensorShape.image(64, 27, 27));
    assertThat(cost.flops()).isEqualTo(64L * 27 * 27 * 9);
  }

  @Test
  void adaptivePoolingUsesPytorchWindows() {
    // 7 -> 3: windows [0,3), [2,5), [4,7): each 3 wide, so 9 per output.
    LayerCost cost = adaptiveAvgPool(3, 3).apply(TensorShape.image(2, 7, 7));
    assertThat(cost.output()).isEqualTo(TensorShape.image(2, 3, 3));
    assertThat(cost.flops()).isEqualTo(2L * 9 * 9);
  }

  @Test
  void batchNormHasScaleAndShiftPerChannel() {
    LayerCost cost = batchnorm().apply(TensorShape.image(5, 4, 4));
    assertThat(cost.flops()).isEqualTo(2L * 5 * 4 * 4);
    assertThat(cost.parameters()).isEqualTo(10);
  }

  @Test
  void residualAddsBodyAndShortcutAndOneFlopPerOutput() {
    Layer block =
        residual(List.of(conv2d(8, 3, 2, 1, 1, false)), List.of(conv2d(8, 1, 2, 0, 1, false)));
    LayerCost cost = block.apply(TensorShape.image(4, 8, 8));
    assertThat(cost.output()).isEqualTo(TensorShape.image(8, 4, 4));
    long body = 4L * 9 * 8 * 16;
    long shortcut = 4L * 8 * 16;
    assertThat(cost.macs()).isEqualTo(body + shortcut);
    assertThat(cost.flops()).isEqualTo(2 * (body + shortcut) + 8 * 16);
  }

  @Test
  void residualRejectsPathsOfDifferentShapes() {
    Layer block = residual(List.of(conv2d(8, 3, 1, 1)));
    assertThatThrownBy(() -> block.apply(TensorShape.image(4, 8, 8)))
        .hasMessageContaining("residual: body output 8x8x8 and shortcut output 4x8x8");
  }

  @Test
  void concatSumsBranchChannels() {
    Layer inception = concat(List.of(conv2d(6, 1, 1, 0)), List.of(conv2d(10, 3, 1, 1)));
    LayerCost cost = inception.apply(TensorShape.image(4, 8, 8));
    assertThat(cost.output()).isEqualTo(TensorShape.image(16, 8, 8));
    assertThat(cost.macs()).isEqualTo(4L * 6 * 64 + 4L * 9 * 10 * 64);
  }

  @Test
  void windowRejectsAZeroStride() {
    assertThatThrownBy(() -> maxpool(2, 0, 0)).hasMessage("stride: must be >= 1, was 0");
  }

  @Test
  void linearNeedsAFlatInput() {
    assertThatThrownBy(() -> linear(10).apply(TensorShape.image(4, 2, 2)))
        .hasMessage("linear: needs a flat input (add flatten before it), was 4x2x2");
  }

  @Test
  void errorsNameTheModelAndStage() {
    Network network =
        Network.builder("tiny", TensorShape.image(3, 4, 4))
            .stage("conv1", conv2d(8, 7, 1, 0))
            .build();
    assertThatThrownBy(network::profile)
        .hasMessage(
            "network tiny, stage conv1: conv height: kernel 7 is larger than the padded input 4");
  }

  @Test
  void costTableHasACutBeforeTheFirstAndAfterEveryStage() {
    Network network =
        Network.builder("tiny", TensorShape.image(1, 4, 4))
            .stage("conv", conv2d(2, 3, 1, 1))
            .stage("relu", relu())
            .merge(flatten())
            .stage("fc", linear(3))
            .build();
    CostTable table = network.costTable();
    double conv = 2.0 * 9 * 2 * 16 + 2 * 16;
    double relu = 2 * 16;
    double fc = 2.0 * 32 * 3 + 3;
    assertThat(table.cuts())
        .containsExactly(
            new CostTable.Cut(0, "input", 0, conv + relu + fc, 16 * 32),
            new CostTable.Cut(1, "conv", conv, relu + fc, 32 * 32),
            new CostTable.Cut(2, "relu", conv + relu, fc, 32 * 32),
            new CostTable.Cut(3, "fc", conv + relu + fc, 0, 0));
    assertThat(table.outputBits()).isEqualTo(3 * 32);
    assertThat(CostTableRules.violations(table)).isEmpty();
  }

  @Test
  void bitsPerElementScalesWireSizes() {
    Network network =
        Network.builder("q", TensorShape.vector(10))
            .stage("fc", linear(4))
            .stage("out", linear(2))
            .bitsPerElement(8)
            .build();
    assertThat(network.costTable().cut(1).bits()).isEqualTo(4 * 8);
  }
}
