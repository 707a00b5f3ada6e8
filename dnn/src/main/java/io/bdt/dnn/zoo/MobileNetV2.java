package io.bdt.dnn.zoo;

import io.bdt.dnn.onnx.proto.Onnx.ModelProto;

/**
 * torchvision's MobileNetV2 (width 1.0, 3.5 M parameters) at 1x3x224x224, seed 2: inverted residual
 * blocks (1x1 expansion, 3x3 depthwise, linear 1x1 projection) with ReLU6 as Clip, as PyTorch
 * exports it.
 */
public final class MobileNetV2 implements ZooModel {

  /** Colour channels of the input image. */
  public static final int CHANNELS = 3;

  /** Height and width of the input image, pixels. */
  public static final int SIDE = 224;

  /** t (expansion), c (channels), n (repeats), s (first stride), as in the paper's Table 2. */
  private static final int[][] SETTINGS = {
    {1, 16, 1, 1},
    {6, 24, 2, 2},
    {6, 32, 3, 2},
    {6, 64, 4, 2},
    {6, 96, 3, 1},
    {6, 160, 3, 2},
    {6, 320, 1, 1}
  };

  @Override
  public String name() {
    return "mobilenetv2";
  }

  @Override
  public String description() {
    return "MobileNetV2 (torchvision layer shapes), 1x3x224x224 -> 1x1000, 3.5 M parameters";
  }

  @Override
  public ModelProto build() {
    CnnBuilder b = new CnnBuilder("mobilenetv2", 2);
    String x = b.input("input", 1, CHANNELS, SIDE, SIDE);
    x = b.conv("features.0.0", x, 3, 32, 3, 2, 1, 1, false);
    x = b.relu6("features.0.2", b.batchNorm("features.0.1", x, 32, 1));
    int in = 32;
    int index = 1;
    for (int[] s : SETTINGS) {
      for (int i = 0; i < s[2]; i++) {
        x = invertedResidual(b, "features." + index, x, in, s[1], i == 0 ? s[3] : 1, s[0]);
        in = s[1];
        index++;
      }
    }
    String last = "features." + index;
    x = b.conv(last + ".0", x, in, 1280, 1, 1, 0, 1, false);
    x = b.relu6(last + ".2", b.batchNorm(last + ".1", x, 1280, 1));
    x = b.globalAveragePool("avgpool", x);
    x = b.flatten("flatten", x);
    x = b.dropout("classifier.0", x);
    x = b.linear("classifier.1", x, 1280, 1000, false);
    return b.build(x, 1, 1000);
  }

  private static String invertedResidual(
      CnnBuilder b, String name, String x, int in, int out, int stride, int expansion) {
    b.block(name);
    int hidden = in * expansion;
    String y = x;
    int layer = 0;
    if (expansion != 1) {
      y = b.conv(name + ".conv." + layer + ".0", y, in, hidden, 1, 1, 0, 1, false);
      y = b.batchNorm(name + ".conv." + layer + ".1", y, hidden, 1);
      y = b.relu6(name + ".conv." + layer + ".2", y);
      layer++;
    }
    y = b.conv(name + ".conv." + layer + ".0", y, hidden, hidden, 3, stride, 1, hidden, false);
    y = b.batchNorm(name + ".conv." + layer + ".1", y, hidden, 1);
    y = b.relu6(name + ".conv." + layer + ".2", y);
    layer++;
    y = b.conv(name + ".conv." + layer, y, hidden, out, 1, 1, 0, 1, false);
    boolean residual = stride == 1 && in == out;
    y = b.batchNorm(name + ".conv." + (layer + 1), y, out, residual ? 0.5 : 1);
    return residual ? b.add(name + ".add", x, y) : y;
  }
}
