package io.bdt.dnn.zoo;

import io.bdt.dnn.onnx.proto.Onnx.ModelProto;

/**
 * torchvision's VGG-16 (configuration D, no batch norm; 138.4 M parameters, 553 MB of float32
 * weights) at 1x3x224x224, seed 16. The adaptive 7x7 average pool is the identity at 224x224 and is
 * left out.
 */
public final class Vgg16 implements ZooModel {

  private static final int[] CONFIG = {
    64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0
  };

  @Override
  public String name() {
    return "vgg16";
  }

  @Override
  public String description() {
    return "VGG-16 (torchvision layer shapes), 1x3x224x224 -> 1x1000, 138.4 M parameters";
  }

  @Override
  public ModelProto build() {
    CnnBuilder b = new CnnBuilder("vgg16", 16);
    String x = b.input("input", 1, 3, 224, 224);
    int channels = 3;
    int index = 0;
    for (int out : CONFIG) {
      if (out == 0) {
        x = b.maxPool("features." + index, x, 2, 2, 0);
        index += 1;
      } else {
        x = b.conv("features." + index, x, channels, out, 3, 1, 1, 1, true);
        x = b.relu("features." + (index + 1), x);
        channels = out;
        index += 2;
      }
    }
    x = b.flatten("flatten", x);
    x = b.relu("classifier.1", b.linear("classifier.0", x, 512 * 7 * 7, 4096, true));
    x = b.dropout("classifier.2", x);
    x = b.relu("classifier.4", b.linear("classifier.3", x, 4096, 4096, true));
    x = b.dropout("classifier.5", x);
    x = b.linear("classifier.6", x, 4096, 1000, false);
    return b.build(x, 1, 1000);
  }
}
