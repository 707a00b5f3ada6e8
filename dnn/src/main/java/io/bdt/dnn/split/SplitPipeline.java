package io.bdt.dnn.split;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs a split model in one process: the head session, then the tail session on the head's outputs,
 * which stay in ONNX Runtime's memory in between (no copy into Java arrays).
 */
public final class SplitPipeline implements AutoCloseable {

  private final OrtSession head;
  private final OrtSession tail;

  /** Session options for split inference: intra-op threads do not spin between runs. */
  public static OrtSession.SessionOptions sessionOptions() throws OrtException {
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    options.addConfigEntry("session.intra_op.allow_spinning", "0");
    return options;
  }

  /** Opens sessions for both halves of {@code split}. */
  public SplitPipeline(OrtEnvironment env, SplitModel split, OrtSession.SessionOptions options)
      throws OrtException {
    this.head = env.createSession(split.head().toByteArray(), options);
    try {
      this.tail = env.createSession(split.tail().toByteArray(), options);
    } catch (OrtException | RuntimeException e) {
      head.close();
      throw e;
    }
  }

  /**
   * Runs head then tail on {@code inputs} (by graph input name) and returns the tail's result,
   * which the caller closes.
   */
  public OrtSession.Result run(Map<String, ? extends OnnxTensor> inputs) throws OrtException {
    Map<String, OnnxTensor> headInputs = new HashMap<>();
    for (String name : head.getInputNames()) {
      OnnxTensor given = inputs.get(name);
      if (given != null) {
        headInputs.put(name, given);
      }
    }
    try (OrtSession.Result headResult = head.run(headInputs)) {
      Map<String, OnnxTensor> tailInputs = new HashMap<>();
      for (Map.Entry<String, OnnxValue> e : headResult) {
        tailInputs.put(e.getKey(), (OnnxTensor) e.getValue());
      }
      for (String name : tail.getInputNames()) {
        OnnxTensor given = inputs.get(name);
        if (!tailInputs.containsKey(name) && given != null) {
          tailInputs.put(name, given);
        }
      }
      return tail.run(tailInputs);
    }
  }

  @Override
  public void close() throws OrtException {
    try {
      head.close();
    } finally {
      tail.close();
    }
  }
}
