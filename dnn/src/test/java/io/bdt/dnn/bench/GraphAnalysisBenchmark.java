package io.bdt.dnn.bench;

import static io.bdt.dnn.onnx.GraphBuilder.floatAttr;
import static io.bdt.dnn.onnx.GraphBuilder.intsAttr;

import io.bdt.dnn.graph.GraphAnalysis;
import io.bdt.dnn.graph.GraphAnalyzer;
import io.bdt.dnn.onnx.GraphBuilder;
import io.bdt.dnn.onnx.proto.Onnx.ModelProto;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Shape inference, FLOP counting and cut search on a deep ResNet-like chain of residual blocks (7
 * nodes each: Conv, BatchNormalization, Relu, Conv, BatchNormalization, Add, Relu).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class GraphAnalysisBenchmark {

  /** 80 blocks = 560 nodes; 300 blocks = 2100 nodes. */
  @Param({"80", "300"})
  public int blocks;

  private ModelProto model;

  @Setup
  public void setUp() {
    model = deepResidual(blocks);
    GraphAnalysis a = GraphAnalyzer.analyze(model, Map.of());
    if (a.layers().size() != 7 * blocks) {
      throw new IllegalStateException("expected " + 7 * blocks + " nodes");
    }
  }

  @Benchmark
  public int analyze() {
    return GraphAnalyzer.analyze(model, Map.of()).cuts().size();
  }

  static ModelProto deepResidual(int blocks) {
    GraphBuilder g = new GraphBuilder("deep_residual");
    SplittableRandom r = new SplittableRandom(3);
    int c = 16;
    String x = g.input("x", 1, c, 32, 32);
    for (int b = 0; b < blocks; b++) {
      String p = "b" + b;
      String y = conv(g, r, p + ".conv1", x, c);
      y = g.node("Relu", p + ".relu1", List.of(bn(g, r, p + ".bn1", y, c)));
      y = bn(g, r, p + ".bn2", conv(g, r, p + ".conv2", y, c), c);
      x = g.node("Relu", p + ".relu2", List.of(g.node("Add", p + ".add", List.of(y, x))));
    }
    g.output(x, 1, c, 32, 32);
    return g.build();
  }

  private static String conv(GraphBuilder g, SplittableRandom r, String name, String x, int c) {
    String w = g.initializer(name + ".w", () -> r.nextDouble(-0.1, 0.1), c, c, 3, 3);
    return g.node(
        "Conv", name, List.of(x, w), intsAttr("kernel_shape", 3, 3), intsAttr("pads", 1, 1, 1, 1));
  }

  private static String bn(GraphBuilder g, SplittableRandom r, String name, String x, int c) {
    String s = g.initializer(name + ".s", () -> 1, c);
    String b = g.initializer(name + ".b", () -> 0, c);
    String m = g.initializer(name + ".m", () -> 0, c);
    String v = g.initializer(name + ".v", () -> 1, c);
    return g.node("BatchNormalization", name, List.of(x, s, b, m, v), floatAttr("epsilon", 1e-5f));
  }
}
