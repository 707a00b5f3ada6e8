package io.bdt.dnn.bench;

import io.bdt.dnn.graph.GraphAnalysis;
import io.bdt.dnn.graph.GraphAnalyzer;
import io.bdt.dnn.onnx.OnnxModels;
import io.bdt.dnn.split.ModelSplitter;
import io.bdt.dnn.split.SplitModel;
import io.bdt.dnn.zoo.AlexNet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Splitting a large model from its file: read AlexNet's 244 MB ONNX file, analyse it, split it at
 * its middle cut and write head.onnx and tail.onnx, the whole {@code ./bdt dnn split} path.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class LargeModelSplitBenchmark {

  private Path dir;
  private Path model;

  @Setup
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("bdt-split-bench");
    model = dir.resolve("alexnet.onnx");
    OnnxModels.write(new AlexNet().build(), model);
  }

  @Benchmark
  public long readAnalyseSplitWrite() throws IOException {
    GraphAnalysis a = GraphAnalyzer.analyze(OnnxModels.read(model), Map.of());
    SplitModel split = ModelSplitter.split(a, a.cuts().size() / 2);
    split.write(dir.resolve("split"));
    return Files.size(dir.resolve("split/tail.onnx"));
  }

  @TearDown
  public void tearDown() throws IOException {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
