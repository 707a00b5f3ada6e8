package io.bdt.dnn.zoo;

import io.bdt.dnn.onnx.proto.Onnx.ModelProto;

/**
 * torchvision's ResNet-18 (11.7 M parameters) at 1x3x224x224, seed 18: BasicBlocks with
 * BatchNormalization kept as separate nodes (not folded into the convolutions), 1x1 strided
 * downsample shortcuts, and the second BN of each block scaled down so the residual sum stays O(1)
 * over eight blocks.
 */
public final class ResNet18 implements ZooModel {

  @Override
  public String name() {
    return "resnet18";
  }

  @Override
  public String description() {
    return "ResNet-18 (torchvision layer shapes), 1x3x224x224 -> 1x1000, 11.7 M parameters";
  }

  @Override
  public ModelProto build() {
    CnnBuilder b = new CnnBuilder("resnet18", 18);
    String x = b.input("input", 1, 3, 224, 224);
    x = b.conv("conv1", x, 3, 64, 7, 2, 3, 1, false);
    x = b.relu("relu", b.batchNorm("bn1", x, 64, 1));
    x = b.maxPool("maxpool", x, 3, 2, 1);
    int in = 64;
    int[] widths = {64, 128, 256, 512};
    for (int layer = 0; layer < 4; layer++) {
      int width = widths[layer];
      for (int block = 0; block < 2; block++) {
        int stride = layer > 0 && block == 0 ? 2 : 1;
        x = basicBlock(b, "layer" + (layer + 1) + "." + block, x, in, width, stride);
        in = width;
      }
    }
    x = b.globalAveragePool("avgpool", x);
    x = b.flatten("flatten", x);
    x = b.linear("fc", x, 512, 1000, false);
    return b.build(x, 1, 1000);
  }

  private static String basicBlock(
      CnnBuilder b, String name, String x, int in, int out, int stride) {
    b.block(name);
    String y = b.conv(name + ".conv1", x, in, out, 3, stride, 1, 1, false);
    y = b.relu(name + ".relu1", b.batchNorm(name + ".bn1", y, out, 1));
    y = b.conv(name + ".conv2", y, out, out, 3, 1, 1, 1, false);
    y = b.batchNorm(name + ".bn2", y, out, 0.5);
    String shortcut = x;
    if (stride != 1 || in != out) {
      shortcut = b.conv(name + ".downsample.0", x, in, out, 1, stride, 0, 1, false);
      shortcut = b.batchNorm(name + ".downsample.1", shortcut, out, 1);
    }
    return b.relu(name + ".relu2", b.add(name + ".add", y, shortcut));
  }
}
