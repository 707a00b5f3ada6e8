package io.bdt.dnn.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bdt.dnn.conformance.GeneratedModels;
import io.bdt.dnn.graph.CutPoint;
import io.bdt.dnn.graph.GraphAnalysis;
import io.bdt.dnn.graph.GraphAnalyzer;
import io.bdt.dnn.graph.TensorInfo;
import io.bdt.dnn.onnx.OnnxModels;
import io.bdt.dnn.profile.CutProfiler;
import io.bdt.dnn.split.ModelSplitter;
import io.bdt.dnn.split.SplitPipeline;
import io.bdt.dnn.zoo.ResNet18;
import java.io.PrintStream;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Head then tail against the whole model at batch 1, in one process with the same session options
 * ({@link SplitPipeline#sessionOptions()}): ResNet-18 (zoo) at three cuts and the YOLO-style
 * detector of {@code export_detection.py} at a quarter, half and three quarters of its cuts. On a
 * machine whose load drifts, two separate timings mostly measure the load, so each pair times the
 * whole model and head-then-tail back to back (alternating which goes first) and the table gives
 * the median of the per-pair ratios. Run as {@code ./bench --main dnn
 * io.bdt.dnn.bench.SplitOverheadBench [pairs [warm-up pairs [models]]]} (models: {@code
 * resnet18,detector}, the default); the result JSON goes to the file named by {@code
 * BDT_BENCH_RESULT} (else standard output).
 */
public final class SplitOverheadBench {
  private static final ObjectMapper JSON = MainBenchResult.JSON;
  private static final PrintStream PROGRESS = System.err;

  /** One model and the cuts to time it at (labels, or fractions of its cut list). */
  private record Subject(String name, GraphAnalysis analysis, List<CutPoint> cuts) {}

  public static void main(String[] args) throws Exception {
    int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    List<String> models = List.of((args.length > 2 ? args[2] : "resnet18,detector").split(","));
    List<Subject> subjects = new ArrayList<>();
    for (String name : models) {
      subjects.add(
          switch (name) {
            case "resnet18" -> resnet18();
            case "detector" -> detector();
            default -> throw new IllegalArgumentException("models are resnet18 and detector");
          });
    }
    ArrayNode rows = JSON.createArrayNode();
    ArrayNode measurements = JSON.createArrayNode();
    for (Subject s : subjects) {
      for (CutPoint cut : s.cuts()) {
        PROGRESS.printf("%s, cut %d (%s): %d pairs%n", s.name(), cut.id(), cut.label(), pairs);
        double[][] timed = pairs(env, s.analysis(), cut, pairs, warmup);
        double[] whole = timed[0];
        double[] split = timed[1];
        double[] ratio = new double[pairs];
        for (int i = 0; i < pairs; i++) {
          ratio[i] = split[i] / whole[i];
        }
        long values = cut.tensors().stream().mapToLong(TensorInfo::elements).sum();
        ObjectNode m = measurements.addObject();
        m.put("model", s.name());
        m.put("cut", cut.id());
        m.put("label", cut.label());
        m.put("cutValues", values);
        m.put("pairs", pairs);
        m.set("wholeMillis", JSON.valueToTree(whole));
        m.set("splitMillis", JSON.valueToTree(split));
        ArrayNode row = rows.addArray();
        row.add(s.name());
        row.add(cut.id() + " `" + cut.label() + "`");
        row.add(values);
        row.add(pairs);
        row.add(CutProfiler.median(whole));
        row.add(min(whole));
        row.add(CutProfiler.median(split));
        row.add(min(split));
        row.add(
            "**" + String.format(java.util.Locale.ROOT, "%.3f", CutProfiler.median(ratio)) + "**");
      }
    }
    ObjectNode result = JSON.createObjectNode();
    result.put("benchmark", "SplitOverheadBench");
    result.put("pairs", pairs);
    result.put("warmupPairs", warmup);
    result.set("measurements", measurements);
    MainBenchResult.write(
        result,
        List.of(
            "model",
            "cut",
            "values crossing",
            "pairs",
            "whole median ms",
            "whole min ms",
            "head+tail median ms",
            "head+tail min ms",
            "median head+tail / whole"),
        rows);
  }

  /** ResNet-18 at the three cuts docs/benchmarks.md has always shown. */
  private static Subject resnet18() {
    GraphAnalysis resnet = GraphAnalyzer.analyze(new ResNet18().build(), Map.of(), 1);
    List<CutPoint> cuts = new ArrayList<>();
    for (String label : List.of("layer1.0.relu2", "layer2.1.relu2", "avgpool")) {
      cuts.add(
          resnet.cuts().stream().filter(c -> c.label().equals(label)).findFirst().orElseThrow());
    }
    return new Subject("ResNet-18 (zoo, 224x224)", resnet, cuts);
  }

  /** The YOLO-style detector at a quarter, half and three quarters of its cut list. */
  private static Subject detector() throws Exception {
    Path file = GeneratedModels.detector();
    GraphAnalysis detector =
        GraphAnalyzer.analyze(
            OnnxModels.read(file),
            GeneratedModels.inputs(GeneratedModels.manifest(file.getParent()).get(0)));
    List<CutPoint> all = detector.cuts();
    int k = all.size();
    return new Subject(
        "YOLO-style detector (320x320, " + detector.layers().size() + " compute nodes)",
        detector,
        List.of(all.get(k / 4), all.get(k / 2), all.get(3 * k / 4)));
  }

  /** {@code pairs} timings (ms) of the whole model and of head then tail, after a warm-up. */
  private static double[][] pairs(
      OrtEnvironment env, GraphAnalysis analysis, CutPoint cut, int pairs, int warmup)
      throws OrtException {
    TensorInfo in = analysis.inputs().get(0);
    float[] data = new float[Math.toIntExact(in.elements())];
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < data.length; i++) {
      data[i] = (float) random.nextDouble(-1, 1);
    }
    long[] shape = in.dims().stream().mapToLong(Long::longValue).toArray();
    double[] whole = new double[pairs];
    double[] split = new double[pairs];
    try (OrtSession.SessionOptions options = SplitPipeline.sessionOptions();
        OrtSession model = env.createSession(analysis.model().toByteArray(), options);
        SplitPipeline pipeline =
            new SplitPipeline(env, ModelSplitter.split(analysis, cut.id()), options);
        OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape)) {
      Map<String, OnnxTensor> inputs = Map.of(in.name(), input);
      for (int i = -warmup; i < pairs; i++) {
        double w;
        double s;
        if ((i & 1) == 0) {
          w = time(() -> model.run(inputs));
          s = time(() -> pipeline.run(inputs));
        } else {
          s = time(() -> pipeline.run(inputs));
          w = time(() -> model.run(inputs));
        }
        if (i >= 0) {
          whole[i] = w;
          split[i] = s;
        }
      }
    }
    return new double[][] {whole, split};
  }

  private interface Run {
    OrtSession.Result run() throws OrtException;
  }

  private static double time(Run run) throws OrtException {
    long t0 = System.nanoTime();
    try (OrtSession.Result r = run.run()) {
      ((OnnxTensor) r.get(0)).getFloatBuffer().get(0);
    }
    return (System.nanoTime() - t0) / 1e6;
  }

  private static double min(double[] v) {
    return Arrays.stream(v).min().orElse(Double.NaN);
  }
}
