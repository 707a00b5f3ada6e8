package io.bdt.dnn.vibration;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.bdt.dnn.codec.Encoding;
import io.bdt.dnn.codec.Frame;
import io.bdt.dnn.codec.FrameCodec;
import io.bdt.dnn.codec.FrameException;
import io.bdt.dnn.codec.ModelHash;
import io.bdt.dnn.codec.Tensor;
import io.bdt.dnn.graph.TensorInfo;
import io.bdt.dnn.onnx.proto.Onnx.ModelProto;
import io.bdt.dnn.split.SplitModel;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs an exported classifier in ONNX Runtime over labelled windows, whole or split at a cut with
 * the crossing tensors sent through the {@link FrameCodec}, and counts the predictions.
 */
public final class OnnxClassifierRun {

  private OnnxClassifierRun() {}

  /**
   * The result of running a split classifier.
   *
   * @param confusion predictions against truth
   * @param frameBytes bytes of one frame carrying the cut's tensors (header, payload, checksum)
   */
  public record SplitResult(ConfusionMatrix confusion, int frameBytes) {}

  /**
   * Runs the whole {@code model} (input {@code [1, 1024]}, output {@code [1, 4]}) on each window.
   */
  public static ConfusionMatrix evaluate(ModelProto model, List<VibrationWindow> windows)
      throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    List<MachineState> predicted = new ArrayList<>();
    try (OrtSession session = session(env, model)) {
      String input = session.getInputNames().iterator().next();
      for (VibrationWindow w : windows) {
        Map<String, float[]> out = run(env, session, Map.of(input, w.samples()), Map.of());
        predicted.add(MachineState.ORDER.get(argMax(out.values().iterator().next())));
      }
    }
    return ConfusionMatrix.of(windows.stream().map(VibrationWindow::state).toList(), predicted);
  }

  /**
   * Runs {@code split}'s head on each window (none for cut 0, where the window itself crosses),
   * sends the crossing tensors through the codec as one frame in {@code encoding}, decodes it and
   * runs the tail on the decoded tensors.
   */
  public static SplitResult evaluateSplit(
      SplitModel split, Encoding encoding, List<VibrationWindow> windows)
      throws OrtException, FrameException {
    if (split.tail().getGraph().getNodeCount() == 0) {
      throw new IllegalArgumentException(
          "cut " + split.cut().id() + " is fully local: nothing crosses the link");
    }
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    boolean emptyHead = split.cut().position() == 0;
    // the frames stay in this process; the tail's hash names what decodes them
    ModelHash model = ModelHash.of(split.tail());
    Map<String, long[]> shapes = new HashMap<>();
    for (TensorInfo t : split.cut().tensors()) {
      shapes.put(t.name(), t.dims().stream().mapToLong(Long::longValue).toArray());
    }
    List<MachineState> predicted = new ArrayList<>();
    int frameBytes = 0;
    try (OrtSession head = emptyHead ? null : session(env, split.head());
        OrtSession tail = session(env, split.tail())) {
      String modelInput = split.cut().position() == 0 ? split.cut().tensorNames().get(0) : null;
      if (!emptyHead) {
        modelInput = head.getInputNames().iterator().next();
      }
      for (VibrationWindow w : windows) {
        Map<String, float[]> crossing =
            emptyHead
                ? Map.of(modelInput, w.samples())
                : run(env, head, Map.of(modelInput, w.samples()), Map.of());
        List<Tensor> tensors = new ArrayList<>();
        for (String name : split.cut().tensorNames()) {
          int[] shape =
              java.util.Arrays.stream(shapes.get(name)).mapToInt(Math::toIntExact).toArray();
          tensors.add(new Tensor(name, encoding, shape, crossing.get(name)));
        }
        byte[] wire =
            FrameCodec.encode(new Frame(VibrationModel.MODEL_ID, model, split.cut().id(), tensors));
        frameBytes = wire.length;
        Map<String, float[]> received = new HashMap<>();
        for (Tensor t : FrameCodec.decode(wire).tensors()) {
          received.put(t.name(), t.values());
        }
        Map<String, float[]> out = run(env, tail, received, shapes);
        predicted.add(MachineState.ORDER.get(argMax(out.values().iterator().next())));
      }
    }
    return new SplitResult(
        ConfusionMatrix.of(windows.stream().map(VibrationWindow::state).toList(), predicted),
        frameBytes);
  }

  private static OrtSession session(OrtEnvironment env, ModelProto model) throws OrtException {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      return env.createSession(model.toByteArray(), options);
    }
  }

  /** Runs {@code session}; inputs absent from {@code shapes} are fed as {@code [1, n]}. */
  private static Map<String, float[]> run(
      OrtEnvironment env,
      OrtSession session,
      Map<String, float[]> inputs,
      Map<String, long[]> shapes)
      throws OrtException {
    Map<String, OnnxTensor> feed = new HashMap<>();
    try {
      for (Map.Entry<String, float[]> in : inputs.entrySet()) {
        long[] shape = shapes.getOrDefault(in.getKey(), new long[] {1, in.getValue().length});
        feed.put(in.getKey(), OnnxTensor.createTensor(env, FloatBuffer.wrap(in.getValue()), shape));
      }
      Map<String, float[]> outputs = new java.util.LinkedHashMap<>();
      try (OrtSession.Result result = session.run(feed)) {
        for (Map.Entry<String, OnnxValue> out : result) {
          FloatBuffer fb = ((OnnxTensor) out.getValue()).getFloatBuffer();
          float[] values = new float[fb.remaining()];
          fb.get(values);
          outputs.put(out.getKey(), values);
        }
      }
      return outputs;
    } finally {
      for (OnnxTensor t : feed.values()) {
        t.close();
      }
    }
  }

  private static int argMax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }
}
