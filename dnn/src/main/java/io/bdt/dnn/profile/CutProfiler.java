package io.bdt.dnn.profile;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.bdt.dnn.graph.CutPoint;
import io.bdt.dnn.graph.GraphAnalysis;
import io.bdt.dnn.graph.TensorInfo;
import io.bdt.dnn.onnx.proto.Onnx.ModelProto;
import io.bdt.dnn.onnx.proto.Onnx.TensorProto;
import io.bdt.dnn.split.ModelSplitter;
import io.bdt.dnn.split.SplitModel;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Measures, on this machine, how long the head and the tail of every cut of a model take in ONNX
 * Runtime: per thread count, warm-up runs and then the median (or minimum) of repeated runs, in
 * seconds per sample.
 *
 * <p>The head runs on random float inputs (seeded); the tail runs on the head's actual outputs, so
 * the tail sees realistic values. An empty side (the head of cut 0, the tail of the last cut) costs
 * 0 seconds and is not run.
 */
public final class CutProfiler {

  /**
   * How to measure.
   *
   * @param threads intra-op thread counts to measure with, each {@code >= 1}
   * @param warmup runs discarded before timing (JIT of ORT's kernels, allocator warm-up)
   * @param repeats timed runs whose {@code statistic} is reported, {@code >= 1}
   * @param seed seed of the random input values
   * @param statistic how the repeated runs are summarized
   */
  public record Settings(
      List<Integer> threads, int warmup, int repeats, long seed, Statistic statistic) {

    /** Median runs, the default. */
    public Settings(List<Integer> threads, int warmup, int repeats, long seed) {
      this(threads, warmup, repeats, seed, Statistic.MEDIAN);
    }

    public Settings {
      Objects.requireNonNull(statistic, "statistic");
      threads = List.copyOf(threads);
      if (threads.isEmpty() || threads.stream().anyMatch(t -> t < 1)) {
        throw new IllegalArgumentException("threads must be a non-empty list of counts >= 1");
      }
      if (warmup < 0) {
        throw new IllegalArgumentException("warmup must be >= 0, was " + warmup);
      }
      if (repeats < 1) {
        throw new IllegalArgumentException("repeats must be >= 1, was " + repeats);
      }
    }
  }

  /**
   * How repeated timings become one number. The median is robust to a few runs delayed by other
   * work; the minimum estimates the undisturbed cost when the machine is busy most of the time.
   */
  public enum Statistic {
    MEDIAN,
    MIN;

    double of(double[] seconds) {
      return switch (this) {
        case MEDIAN -> median(seconds);
        case MIN -> Arrays.stream(seconds).min().orElseThrow();
      };
    }
  }

  /**
   * Summarized latency of one cut's two sides with one thread count, in seconds per sample.
   *
   * @param threads intra-op threads ONNX Runtime used
   * @param headSeconds the head's latency (by the settings' statistic) divided by the batch
   * @param tailSeconds the tail's latency (by the settings' statistic) divided by the batch
   */
  public record Timing(int threads, double headSeconds, double tailSeconds) {}

  /**
   * One cut with its timings, in {@link Settings#threads()} order.
   *
   * @param cut the cut point (FLOPs and bits from the graph analysis)
   * @param timings one per thread count
   */
  public record CutProfile(CutPoint cut, List<Timing> timings) {

    public CutProfile {
      timings = List.copyOf(timings);
    }
  }

  /**
   * The profile of a model.
   *
   * @param analysis the analysed model
   * @param settings how it was measured
   * @param cuts every cut of the analysis, in id order
   */
  public record Profile(GraphAnalysis analysis, Settings settings, List<CutProfile> cuts) {

    public Profile {
      Objects.requireNonNull(analysis, "analysis");
      cuts = List.copyOf(cuts);
    }
  }

  private CutProfiler() {}

  /**
   * Profiles every cut of {@code analysis}; {@code step} hears a short description after each
   * measured (cut, thread count) pair, for progress output.
   */
  public static Profile profile(GraphAnalysis analysis, Settings settings, Consumer<String> step)
      throws OrtException {
    for (TensorInfo in : analysis.inputs()) {
      if (in.elemType() != TensorProto.DataType.FLOAT_VALUE) {
        throw new IllegalArgumentException(
            "input "
                + in.name()
                + ": profiling supports float inputs only, this one has ONNX type "
                + TensorProto.DataType.forNumber(in.elemType()));
      }
    }
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    Map<String, float[]> inputs = randomInputs(analysis.inputs(), settings.seed());
    List<CutProfile> cuts = new ArrayList<>();
    for (CutPoint cut : analysis.cuts()) {
      SplitModel split = ModelSplitter.split(analysis, cut.id());
      boolean emptyHead = cut.position() == 0;
      boolean emptyTail = cut.position() == analysis.layers().size();
      List<Timing> timings = new ArrayList<>();
      for (int threads : settings.threads()) {
        Map<String, float[]> crossing = inputs;
        double head = 0;
        if (!emptyHead) {
          Measured m = measure(env, split.head(), inputs, analysis, threads, settings);
          head = m.seconds();
          crossing = m.outputs();
        }
        double tail = 0;
        if (!emptyTail) {
          tail = measure(env, split.tail(), crossing, analysis, threads, settings).seconds();
        }
        timings.add(new Timing(threads, head / analysis.batch(), tail / analysis.batch()));
        step.accept("cut " + cut.id() + " (" + cut.label() + "), " + threads + " thread(s)");
      }
      cuts.add(new CutProfile(cut, timings));
    }
    return new Profile(analysis, settings, cuts);
  }

  private record Measured(double seconds, Map<String, float[]> outputs) {}

  private static Measured measure(
      OrtEnvironment env,
      ModelProto model,
      Map<String, float[]> available,
      GraphAnalysis analysis,
      int threads,
      Settings settings)
      throws OrtException {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(threads);
      options.setInterOpNumThreads(1);
      try (OrtSession session = env.createSession(model.toByteArray(), options)) {
        Map<String, OnnxTensor> feed = new LinkedHashMap<>();
        try {
          for (String name : session.getInputNames()) {
            float[] values = available.get(name);
            if (values == null) {
              throw new IllegalStateException("no value for input " + name + " of a split side");
            }
            feed.put(
                name,
                OnnxTensor.createTensor(env, FloatBuffer.wrap(values), shapeOf(analysis, name)));
          }
          for (int i = 0; i < settings.warmup(); i++) {
            session.run(feed).close();
          }
          double[] seconds = new double[settings.repeats()];
          Map<String, float[]> outputs = new HashMap<>();
          for (int i = 0; i < seconds.length; i++) {
            long start = System.nanoTime();
            OrtSession.Result result = session.run(feed);
            seconds[i] = (System.nanoTime() - start) / 1e9;
            if (i == seconds.length - 1) {
              for (Map.Entry<String, OnnxValue> out : result) {
                if (out.getValue() instanceof OnnxTensor t) {
                  FloatBuffer fb = t.getFloatBuffer();
                  if (fb != null) {
                    float[] copy = new float[fb.remaining()];
                    fb.get(copy);
                    outputs.put(out.getKey(), copy);
                  }
                }
              }
            }
            result.close();
          }
          return new Measured(settings.statistic().of(seconds), outputs);
        } finally {
          for (OnnxTensor t : feed.values()) {
            t.close();
          }
        }
      }
    }
  }

  private static long[] shapeOf(GraphAnalysis analysis, String tensor) {
    TensorInfo info = analysis.tensors().get(tensor);
    if (info == null) {
      throw new IllegalStateException("no inferred shape for tensor " + tensor);
    }
    return info.dims().stream().mapToLong(Long::longValue).toArray();
  }

  private static Map<String, float[]> randomInputs(List<TensorInfo> inputs, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Map<String, float[]> values = new HashMap<>();
    for (TensorInfo in : inputs) {
      float[] v = new float[Math.toIntExact(in.elements())];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) random.nextGaussian();
      }
      values.put(in.name(), v);
    }
    return values;
  }

  /** The median of {@code values} (the mean of the middle two for an even count). */
  public static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
