package io.bdt.dnn.vibration;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.bdt.dnn.codec.Frame;
import io.bdt.dnn.codec.FrameCodec;
import io.bdt.dnn.codec.ModelHash;
import io.bdt.dnn.codec.Tensor;
import io.bdt.dnn.graph.GraphAnalyzer;
import io.bdt.dnn.onnx.proto.Onnx.ModelProto;
import io.bdt.dnn.split.ModelSplitter;
import io.bdt.dnn.split.SplitModel;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;

/**
 * The codec frame a gateway sends an AP for one window: the head of a vibration classifier split at
 * a cut, run once in ONNX Runtime (a fresh session per call; for tests and tools, the gateway keeps
 * its sessions open). The window is the model's input {@link VibrationModel#INPUT}, shape {@code
 * [1, n]}.
 */
public final class HeadFrame {

  private HeadFrame() {}

  /**
   * The encoded frame for {@code window} at cut {@code cut} of {@code model}; at cut 0 the window
   * itself crosses.
   */
  public static byte[] encode(ModelProto model, int cut, float[] window) throws OrtException {
    String modelId = model.getGraph().getName();
    ModelHash hash = ModelHash.of(model);
    if (cut == 0) {
      return FrameCodec.encode(
          new Frame(
              modelId,
              hash,
              0,
              List.of(Tensor.of(VibrationModel.INPUT, new int[] {1, window.length}, window))));
    }
    SplitModel split = ModelSplitter.split(GraphAnalyzer.analyze(model, Map.of()), cut);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession head = env.createSession(split.head().toByteArray());
        OnnxTensor in =
            OnnxTensor.createTensor(env, FloatBuffer.wrap(window), new long[] {1, window.length});
        OrtSession.Result r = head.run(Map.of(VibrationModel.INPUT, in))) {
      OnnxTensor out = (OnnxTensor) r.get(0);
      FloatBuffer b = out.getFloatBuffer();
      float[] values = new float[b.remaining()];
      b.get(values);
      long[] shape = out.getInfo().getShape();
      int[] dims = new int[shape.length];
      for (int i = 0; i < dims.length; i++) {
        dims[i] = Math.toIntExact(shape[i]);
      }
      String name = split.cut().tensorNames().getFirst();
      return FrameCodec.encode(
          new Frame(modelId, hash, cut, List.of(Tensor.of(name, dims, values))));
    }
  }
}
