package io.bdt.dnn.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.bdt.dnn.graph.CutPoint;
import io.bdt.dnn.graph.GraphAnalysis;
import io.bdt.dnn.graph.GraphAnalyzer;
import io.bdt.dnn.split.ModelSplitter;
import io.bdt.dnn.split.SplitPipeline;
import io.bdt.dnn.zoo.ResNet18;
import java.nio.FloatBuffer;
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
import org.openjdk.jmh.annotations.TearDown;

/**
 * ResNet-18 at batch 1: the whole model vs head then tail in one process, both with the same
 * session options.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SplitInferenceBenchmark {

  /**
   * ONNX file to split instead of the zoo's ResNet-18 (e.g. the IS-Net segmentation model that
   * RealModelsIT caches); its first graph input gets the random input.
   */
  @Param({""})
  public String modelFile;

  /** Cut label: after the first block, in the middle, before the classifier; "middle" = id K/2. */
  @Param({"layer1.0.relu2", "layer2.1.relu2", "avgpool"})
  public String cut;

  /** Whether ONNX Runtime's intra-op threads spin between runs (its default) or sleep. */
  @Param({"false", "true"})
  public boolean spinning;

  private OrtSession whole;
  private SplitPipeline split;
  private OnnxTensor input;
  private String inputName;

  @Setup
  public void setUp() throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    GraphAnalysis analysis =
        GraphAnalyzer.analyze(
            modelFile.isEmpty()
                ? new ResNet18().build()
                : io.bdt.dnn.onnx.OnnxModels.read(java.nio.file.Path.of(modelFile)),
            Map.of(),
            1);
    CutPoint point =
        cut.equals("middle")
            ? analysis.cuts().get(analysis.cuts().size() / 2)
            : analysis.cuts().stream().filter(c -> c.label().equals(cut)).findFirst().orElseThrow();
    inputName = analysis.inputs().get(0).name();
    long[] shape = analysis.inputs().get(0).dims().stream().mapToLong(Long::longValue).toArray();
    OrtSession.SessionOptions options = SplitPipeline.sessionOptions();
    if (spinning) {
      options.addConfigEntry("session.intra_op.allow_spinning", "1");
    }
    whole = env.createSession(analysis.model().toByteArray(), options);
    split = new SplitPipeline(env, ModelSplitter.split(analysis, point.id()), options);
    float[] data = new float[Math.toIntExact(analysis.inputs().get(0).elements())];
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < data.length; i++) {
      data[i] = (float) random.nextDouble(-1, 1);
    }
    input = OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape);
  }

  @Benchmark
  public float wholeModel() throws OrtException {
    try (OrtSession.Result r = whole.run(Map.of(inputName, input))) {
      return ((OnnxTensor) r.get(0)).getFloatBuffer().get(0);
    }
  }

  @Benchmark
  public float headThenTail() throws OrtException {
    try (OrtSession.Result r = split.run(Map.of(inputName, input))) {
      return ((OnnxTensor) r.get(0)).getFloatBuffer().get(0);
    }
  }

  private final long[] pairedWhole = new long[100_000];
  private final long[] pairedSplit = new long[100_000];
  private int pairs;

  /**
   * Whole model then head-then-tail back to back, each timed: on a machine whose load drifts, the
   * per-pair comparison printed at tear-down is fairer than two separate benchmarks.
   */
  @Benchmark
  public float paired() throws OrtException {
    long t0 = System.nanoTime();
    float a = wholeModel();
    long t1 = System.nanoTime();
    float b = headThenTail();
    long t2 = System.nanoTime();
    if (pairs < pairedWhole.length) {
      pairedWhole[pairs] = t1 - t0;
      pairedSplit[pairs] = t2 - t1;
      pairs++;
    }
    return a + b;
  }

  @TearDown
  public void tearDown() throws OrtException {
    if (pairs > 0) {
      long[] w = java.util.Arrays.copyOf(pairedWhole, pairs);
      long[] s = java.util.Arrays.copyOf(pairedSplit, pairs);
      double[] ratio = new double[pairs];
      for (int i = 0; i < pairs; i++) {
        ratio[i] = (double) s[i] / w[i];
      }
      java.util.Arrays.sort(w);
      java.util.Arrays.sort(s);
      java.util.Arrays.sort(ratio);
      System.out.printf(
          "%npaired (cut %s, %d pairs): whole median %.2f ms min %.2f ms; split median %.2f ms min"
              + " %.2f ms; median split/whole %.4f%n",
          cut,
          pairs,
          w[pairs / 2] / 1e6,
          w[0] / 1e6,
          s[pairs / 2] / 1e6,
          s[0] / 1e6,
          ratio[pairs / 2]);
    }
    input.close();
    split.close();
    whole.close();
  }
}
