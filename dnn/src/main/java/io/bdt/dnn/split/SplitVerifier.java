package io.bdt.dnn.split;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.bdt.dnn.graph.GraphAnalysis;
import io.bdt.dnn.graph.TensorInfo;
import io.bdt.dnn.onnx.InvalidModelException;
import io.bdt.dnn.onnx.OrtTensors;
import io.bdt.dnn.onnx.proto.Onnx.TensorProto;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Checks that a model's head then tail gives the whole model's outputs, cut by cut.
 *
 * <p>The whole model runs once on seeded sample inputs ({@link OrtTensors#sample}: floats uniform
 * in [-1, 1), integers 0) or on given values; each check splits at one cut, runs head then tail on
 * the same inputs, and compares every output element: it passes when {@code |split - whole| <=
 * max(1e-5, 1e-4 * |whole|)} (1e-5 absolute or 1e-4 relative, whichever is larger). Outputs of any
 * numeric type are compared as doubles.
 */
public final class SplitVerifier implements AutoCloseable {

  /** Allowed absolute difference between split and whole-model outputs. */
  public static final double ABS_TOLERANCE = 1e-5;

  /** Allowed difference relative to the whole model's element, when that is larger. */
  public static final double REL_TOLERANCE = 1e-4;

  private final OrtEnvironment env;
  private final GraphAnalysis analysis;
  private final OrtSession.SessionOptions options;
  private final Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
  private final Map<String, double[]> reference = new HashMap<>();

  /** Runs the whole model of {@code analysis} once on sample inputs drawn from {@code seed}. */
  public SplitVerifier(OrtEnvironment env, GraphAnalysis analysis, long seed) throws OrtException {
    this(env, analysis, seed, Map.of());
  }

  /**
   * Runs the whole model of {@code analysis} once on {@code values} for the inputs they name and
   * sample inputs drawn from {@code seed} for the rest.
   */
  public SplitVerifier(
      OrtEnvironment env, GraphAnalysis analysis, long seed, Map<String, TensorProto> values)
      throws OrtException {
    this.env = env;
    this.analysis = analysis;
    this.options = SplitPipeline.sessionOptions();
    SplittableRandom random = new SplittableRandom(seed);
    try {
      for (TensorInfo in : analysis.inputs()) {
        TensorProto given = values.get(in.name());
        long[] shape = in.dims().stream().mapToLong(Long::longValue).toArray();
        inputs.put(
            in.name(),
            given != null
                ? OrtTensors.fromProto(env, given)
                : OrtTensors.sample(env, in.elemType(), shape, random));
      }
      try (OrtSession whole = env.createSession(analysis.model().toByteArray(), options);
          OrtSession.Result result = whole.run(inputs)) {
        for (Map.Entry<String, OnnxValue> e : result) {
          reference.put(e.getKey(), values((OnnxTensor) e.getValue()));
        }
      }
    } catch (OrtException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /** The whole model's output {@code name} on the verifier's input, as floats. */
  public float[] referenceOutput(String name) {
    double[] d = reference.get(name);
    float[] out = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      out[i] = (float) d[i];
    }
    return out;
  }

  /** Splits at cut {@code cutId}, runs head then tail, and compares with the whole model. */
  public CutCheck check(int cutId) throws OrtException {
    SplitModel split = ModelSplitter.split(analysis, cutId);
    double max = 0;
    double worst = 0;
    try (SplitPipeline pipeline = new SplitPipeline(env, split, options);
        OrtSession.Result result = pipeline.run(inputs)) {
      for (Map.Entry<String, OnnxValue> e : result) {
        double[] expected = reference.get(e.getKey());
        double[] actual = values((OnnxTensor) e.getValue());
        if (expected == null || expected.length != actual.length) {
          return new CutCheck(split.cut(), Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY);
        }
        for (int i = 0; i < actual.length; i++) {
          if (Double.compare(actual[i], expected[i]) == 0) {
            continue; // equal, including the same infinity or NaN
          }
          double diff = Math.abs(actual[i] - expected[i]);
          if (Double.isNaN(diff)) {
            diff = Double.POSITIVE_INFINITY;
          }
          max = Math.max(max, diff);
          double allowed = Math.max(ABS_TOLERANCE, REL_TOLERANCE * Math.abs(expected[i]));
          worst = Math.max(worst, diff / allowed);
        }
      }
    }
    return new CutCheck(split.cut(), max, worst);
  }

  /** {@code tensor}'s elements as doubles, for any numeric element type. */
  private static double[] values(OnnxTensor tensor) {
    OnnxJavaType type = tensor.getInfo().type;
    int n = Math.toIntExact(tensor.getInfo().getNumElements());
    double[] out = new double[n];
    switch (type) {
      case FLOAT, FLOAT16, BFLOAT16 -> {
        FloatBuffer b = tensor.getFloatBuffer();
        for (int i = 0; i < n; i++) {
          out[i] = b.get(i);
        }
      }
      case DOUBLE -> tensor.getDoubleBuffer().get(out);
      case INT64 -> {
        LongBuffer b = tensor.getLongBuffer();
        for (int i = 0; i < n; i++) {
          out[i] = b.get(i);
        }
      }
      case INT32 -> {
        IntBuffer b = tensor.getIntBuffer();
        for (int i = 0; i < n; i++) {
          out[i] = b.get(i);
        }
      }
      case INT16 -> {
        ShortBuffer b = tensor.getShortBuffer();
        for (int i = 0; i < n; i++) {
          out[i] = b.get(i);
        }
      }
      case INT8, UINT8, BOOL -> {
        ByteBuffer b = tensor.getByteBuffer();
        for (int i = 0; i < n; i++) {
          out[i] = type == OnnxJavaType.UINT8 ? Byte.toUnsignedInt(b.get(i)) : b.get(i);
        }
      }
      default ->
          throw new InvalidModelException(
              "output of type " + type + " cannot be compared (not a numeric tensor)");
    }
    return out;
  }

  @Override
  public void close() {
    for (OnnxTensor t : inputs.values()) {
      t.close();
    }
    try {
      options.close();
    } catch (RuntimeException e) {
      // options hold no native state once sessions are closed; nothing to recover
    }
  }
}
