package io.bdt.dnn.zoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.bdt.dnn.graph.GraphAnalysis;
import io.bdt.dnn.graph.GraphAnalyzer;
import io.bdt.dnn.graph.Layer;
import io.bdt.dnn.onnx.proto.Onnx.ModelProto;
import io.bdt.dnn.onnx.proto.Onnx.TensorProto;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The small zoo CNNs have torchvision's parameter counts and published multiply-accumulates. */
class ZooShapesTest {

  @Test
  void resnet18HasTorchvisionParameterCountAndMacs() {
    ModelProto m = new ResNet18().build();
    assertThat(parameters(m)).isEqualTo(11_689_512L);
    assertThat(macs(GraphAnalyzer.analyze(m, Map.of()))).isCloseTo(1.814e9, within(0.02e9));
  }

  @Test
  void mobilenetV2HasTorchvisionParameterCountAndMacs() {
    ModelProto m = new MobileNetV2().build();
    assertThat(parameters(m)).isEqualTo(3_504_872L);
    assertThat(macs(GraphAnalyzer.analyze(m, Map.of()))).isCloseTo(0.300e9, within(0.01e9));
  }

  @Test
  void resnet18CutsAreBlockBoundariesAndInBlockPairs() {
    GraphAnalysis a = GraphAnalyzer.analyze(new ResNet18().build(), Map.of());
    assertThat(a.cuts())
        .extracting(c -> c.label())
        .contains(
            "input", "maxpool", "layer1.0.relu2", "layer4.1.relu2", "avgpool", "flatten", "fc")
        .contains("layer1.1.relu2+layer2.0.relu1");
    assertThat(a.cuts().get(a.cuts().size() - 1).bits()).isZero();
  }

  @Test
  void zooRegistryListsTheFourCnnsFirst() {
    assertThat(ModelZoo.all())
        .extracting(ZooModel::name)
        .startsWith("alexnet", "vgg16", "resnet18", "mobilenetv2");
    assertThat(ModelZoo.named("resnet18")).isInstanceOf(ResNet18.class);
  }

  @Test
  void buildsAreDeterministic() {
    assertThat(new MobileNetV2().build()).isEqualTo(new MobileNetV2().build());
  }

  static long parameters(ModelProto m) {
    long n = 0;
    for (TensorProto t : m.getGraph().getInitializerList()) {
      if (t.getName().endsWith("running_mean")
          || t.getName().endsWith("running_var")
          || t.getName().startsWith("relu6.")) {
        continue;
      }
      long c = 1;
      for (long d : t.getDimsList()) {
        c *= d;
      }
      n += c;
    }
    return n;
  }

  /** Multiply-accumulates of Conv and Gemm, the unit torchvision's model table reports. */
  static double macs(GraphAnalysis a) {
    double macs = 0;
    Set<String> weighted = Set.of("Conv", "Gemm");
    for (Layer l : a.layers()) {
      if (weighted.contains(l.opType())) {
        macs += l.flops() / 2.0;
      }
    }
    return macs;
  }
}
