package io.bdt.dnn.split;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.bdt.dnn.graph.GraphAnalysis;
import io.bdt.dnn.graph.TensorInfo;
import io.bdt.dnn.onnx.InvalidModelException;
import io.bdt.dnn.onnx.proto.Onnx.TensorProto;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Checks that a model's head then tail gives the whole model's outputs, cut by cut.
 *
 * <p>The whole model runs once on a seeded random input (uniform in [-1, 1)); each check splits at
 * one cut, runs head then tail on the same input, and reports the largest absolute difference over
 * all output elements.
 */
public final class SplitVerifier implements AutoCloseable {

  /** Largest allowed absolute difference between split and whole-model outputs. */
  public static final double TOLERANCE = 1e-5;

  private final OrtEnvironment env;
  private final GraphAnalysis analysis;
  private final OrtSession.SessionOptions options;
  private final Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
  private final Map<String, float[]> reference = new HashMap<>();

  /** Runs the whole model of {@code analysis} once on a random input drawn from {@code seed}. */
  public SplitVerifier(OrtEnvironment env, GraphAnalysis analysis, long seed) throws OrtException {
    this.env = env;
    this.analysis = analysis;
    this.options = SplitPipeline.sessionOptions();
    SplittableRandom random = new SplittableRandom(seed);
    try {
      for (TensorInfo in : analysis.inputs()) {
        if (in.elemType() != TensorProto.DataType.FLOAT_VALUE) {
          throw new InvalidModelException(
              "graph input '"
                  + in.name()
                  + "' is not float; verify feeds random float inputs only");
        }
        float[] data = new float[Math.toIntExact(in.elements())];
        for (int i = 0; i < data.length; i++) {
          data[i] = (float) (random.nextDouble() * 2 - 1);
        }
        long[] shape = in.dims().stream().mapToLong(Long::longValue).toArray();
        inputs.put(in.name(), OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape));
      }
      try (OrtSession whole = env.createSession(analysis.model().toByteArray(), options);
          OrtSession.Result result = whole.run(inputs)) {
        for (Map.Entry<String, OnnxValue> e : result) {
          reference.put(e.getKey(), floats((OnnxTensor) e.getValue()));
        }
      }
    } catch (OrtException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /** The whole model's output {@code name} on the verifier's input. */
  public float[] referenceOutput(String name) {
    return reference.get(name).clone();
  }

  /** Splits at cut {@code cutId}, runs head then tail, and compares with the whole model. */
  public CutCheck check(int cutId) throws OrtException {
    SplitModel split = ModelSplitter.split(analysis, cutId);
    double max = 0;
    try (SplitPipeline pipeline = new SplitPipeline(env, split, options);
        OrtSession.Result result = pipeline.run(inputs)) {
      for (Map.Entry<String, OnnxValue> e : result) {
        float[] expected = reference.get(e.getKey());
        float[] actual = floats((OnnxTensor) e.getValue());
        if (expected == null || expected.length != actual.length) {
          return new CutCheck(split.cut(), Double.POSITIVE_INFINITY);
        }
        for (int i = 0; i < actual.length; i++) {
          double diff = Math.abs((double) actual[i] - expected[i]);
          if (!(diff <= max)) {
            max = Double.isNaN(diff) ? Double.POSITIVE_INFINITY : diff;
          }
        }
      }
    }
    return new CutCheck(split.cut(), max);
  }

  private static float[] floats(OnnxTensor tensor) {
    FloatBuffer buffer = tensor.getFloatBuffer();
    float[] out = new float[buffer.remaining()];
    buffer.get(out);
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
