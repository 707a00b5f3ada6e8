package io.bdt.dnn.zoo;

import io.bdt.dnn.onnx.proto.Onnx.ModelProto;

/**
 * torchvision's AlexNet (61.1 M parameters) at 1x3x224x224, seed 1. The adaptive 6x6 average pool
 * is left out: at 224x224 its input is already 6x6, so it is the identity (and PyTorch's exporter
 * drops it too).
 */
public final class AlexNet implements ZooModel {

  @Override
  public String name() {
    return "alexnet";
  }

  @Override
  public String description() {
    return "AlexNet (torchvision layer shapes), 1x3x224x224 -> 1x1000, 61.1 M parameters";
  }

  @Override
  public ModelProto build() {
    CnnBuilder b = new CnnBuilder("alexnet", 1);
    String x = b.input("input", 1, 3, 224, 224);
    x = b.relu("features.1", b.conv("features.0", x, 3, 64, 11, 4, 2, 1, true));
    x = b.maxPool("features.2", x, 3, 2, 0);
    x = b.relu("features.4", b.conv("features.3", x, 64, 192, 5, 1, 2, 1, true));
    x = b.maxPool("features.5", x, 3, 2, 0);
    x = b.relu("features.7", b.conv("features.6", x, 192, 384, 3, 1, 1, 1, true));
    x = b.relu("features.9", b.conv("features.8", x, 384, 256, 3, 1, 1, 1, true));
    x = b.relu("features.11", b.conv("features.10", x, 256, 256, 3, 1, 1, 1, true));
    x = b.maxPool("features.12", x, 3, 2, 0);
    x = b.flatten("flatten", x);
    x = b.dropout("classifier.0", x);
    x = b.relu("classifier.2", b.linear("classifier.1", x, 256 * 6 * 6, 4096, true));
    x = b.dropout("classifier.3", x);
    x = b.relu("classifier.5", b.linear("classifier.4", x, 4096, 4096, true));
    x = b.linear("classifier.6", x, 4096, 1000, false);
    return b.build(x, 1, 1000);
  }
}
