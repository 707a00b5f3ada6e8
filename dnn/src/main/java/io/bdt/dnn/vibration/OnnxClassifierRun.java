package io.bdt.dnn.vibration;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.bdt.dnn.codec.Encoding;
import io.bdt.dnn.codec.Frame;
import io.bdt.dnn.codec.FrameCodec;
import io.bdt.dnn.codec.FrameException;
import io.bdt.dnn.codec.Tensor;
import io.bdt.dnn.onnx.proto.Onnx.ModelProto;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;

/**
 * Runs an exported classifier in ONNX Runtime over labelled windows, whole or split at a cut with
 * the intermediate tensor sent through the {@link FrameCodec}, and counts the predictions.
 */
public final class OnnxClassifierRun {

  private OnnxClassifierRun() {}

  /**
   * The result of running a split classifier.
   *
   * @param confusion predictions against truth
   * @param frameBytes bytes of one frame carrying the cut's tensor (header, payload, checksum)
   */
  public record SplitResult(ConfusionMatrix confusion, int frameBytes) {}

  /**
   * Runs the whole {@code model} (input {@code [1, 1024]}, output {@code [1, 4]}) on each window.
   */
  public static ConfusionMatrix evaluate(ModelProto model, List<VibrationWindow> windows)
      throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    ConfusionMatrix confusion = ConfusionMatrix.empty();
    try (OrtSession session = session(env, model)) {
      String input = session.getInputNames().iterator().next();
      for (VibrationWindow w : windows) {
        float[] p = run(env, session, input, w.samples());
        confusion.add(w.state(), MachineState.ORDER.get(argMax(p)));
      }
    }
    return confusion;
  }

  /**
   * Runs {@code head} on each window, sends its single output through the codec as one frame in
   * {@code encoding} for cut {@code cut}, decodes it and runs {@code tail} on the decoded tensor.
   */
  public static SplitResult evaluateSplit(
      ModelProto head, ModelProto tail, int cut, Encoding encoding, List<VibrationWindow> windows)
      throws OrtException, FrameException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    ConfusionMatrix confusion = ConfusionMatrix.empty();
    int frameBytes = 0;
    try (OrtSession h = session(env, head);
        OrtSession t = session(env, tail)) {
      String headInput = h.getInputNames().iterator().next();
      String tailInput = t.getInputNames().iterator().next();
      for (VibrationWindow w : windows) {
        float[] intermediate = run(env, h, headInput, w.samples());
        Frame sent =
            new Frame(
                VibrationModel.MODEL_ID,
                cut,
                List.of(
                    new Tensor(
                        tailInput, encoding, new int[] {1, intermediate.length}, intermediate)));
        byte[] wire = FrameCodec.encode(sent);
        frameBytes = wire.length;
        Tensor received = FrameCodec.decode(wire).tensors().get(0);
        float[] p = run(env, t, received.name(), received.values());
        confusion.add(w.state(), MachineState.ORDER.get(argMax(p)));
      }
    }
    return new SplitResult(confusion, frameBytes);
  }

  private static OrtSession session(OrtEnvironment env, ModelProto model) throws OrtException {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      return env.createSession(model.toByteArray(), options);
    }
  }

  private static float[] run(OrtEnvironment env, OrtSession session, String input, float[] values)
      throws OrtException {
    try (OnnxTensor x =
            OnnxTensor.createTensor(env, FloatBuffer.wrap(values), new long[] {1, values.length});
        OrtSession.Result result = session.run(Map.of(input, x))) {
      return ((float[][]) result.get(0).getValue())[0];
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
