package io.bdt.gateway.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.bdt.dnn.codec.Frame;
import io.bdt.dnn.codec.ModelHash;
import io.bdt.dnn.codec.Tensor;
import io.bdt.dnn.graph.CutPoint;
import io.bdt.dnn.graph.GraphAnalysis;
import io.bdt.dnn.graph.GraphAnalyzer;
import io.bdt.dnn.onnx.OnnxModels;
import io.bdt.dnn.onnx.proto.Onnx.ModelProto;
import io.bdt.dnn.split.ModelSplitter;
import io.bdt.dnn.split.SplitPipeline;
import io.bdt.dnn.vibration.VibrationModel;
import io.bdt.optimizer.cost.CostTable;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The gateway's side of split inference for the vibration classifier: the model (trained from its
 * seed, cached on disk), its cut table as the optimizer's {@link CostTable} ({@code headFlops},
 * {@code tailFlops}, {@code bits} per sample), and one ONNX Runtime session per head, split by the
 * dnn module and cached on disk under {@code models/vibration-seed{seed}/cut-{k}/head.onnx}.
 *
 * <p>Cut 0 sends the window itself; the last cut runs the whole model and yields probabilities.
 * {@link #warm} opens every session and runs it once ahead of the first task.
 */
public final class SplitHeads implements AutoCloseable {

  private final GraphAnalysis analysis;
  private final ModelHash modelHash;
  private final CostTable costTable;
  private final Path cacheDir;
  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final Map<Integer, OrtSession> sessions = new HashMap<>();

  private SplitHeads(GraphAnalysis analysis, Path cacheDir) {
    this.analysis = analysis;
    this.modelHash = ModelHash.of(analysis.model());
    this.cacheDir = cacheDir;
    List<CostTable.Cut> cuts = new ArrayList<>();
    for (CutPoint cut : analysis.cuts()) {
      cuts.add(
          new CostTable.Cut(
              cut.id(), cut.label(), cut.headFlops(), cut.tailFlops(), (double) cut.bits()));
    }
    this.costTable =
        new CostTable(VibrationModel.MODEL_ID, analysis.inputBits(), analysis.outputBits(), cuts);
  }

  /** Loads (or trains and caches) the vibration model of {@code seed} under {@code modelsDir}. */
  public static SplitHeads vibration(Path modelsDir, long seed) throws IOException {
    Path dir = modelsDir.resolve("vibration-seed" + seed);
    Path file = dir.resolve("model.onnx");
    ModelProto model;
    if (Files.exists(file)) {
      model = OnnxModels.read(file);
    } else {
      Files.createDirectories(dir);
      model = VibrationModel.train(seed).toOnnx();
      Path tmp = dir.resolve("model.onnx.tmp");
      OnnxModels.write(model, tmp);
      Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
    return new SplitHeads(GraphAnalyzer.analyze(model, Map.of()), dir);
  }

  /**
   * Splits and opens the head of every cut {@code 1..K} (cut {@code K}: the whole model) and runs
   * each once on a zero window, so that no task pays ONNX Runtime's session start or first run.
   *
   * @param windowLength samples per window (the model's input length)
   * @return the number of sessions warmed
   */
  public synchronized int warm(int windowLength) throws OrtException, IOException {
    float[] zeros = new float[windowLength];
    for (int k = 1; k < fullyLocalCut(); k++) {
      head(k, zeros);
    }
    local(zeros);
    return fullyLocalCut();
  }

  /** Whether the session of cut {@code k} is open. */
  public synchronized boolean isOpen(int k) {
    return sessions.containsKey(k);
  }

  /** The model's identity, which every frame carries and the AP checks against its registry. */
  public ModelHash modelHash() {
    return modelHash;
  }

  /** The cut table the DPRA controller plans with. */
  public CostTable costTable() {
    return costTable;
  }

  /** {@code K}: the fully local cut. */
  public int fullyLocalCut() {
    return costTable.fullyLocalCut();
  }

  /**
   * Runs the head of cut {@code k} on one window and returns the frame to send (cut {@code 0 <= k <
   * K}).
   */
  public synchronized Frame head(int k, float[] window) throws OrtException, IOException {
    if (k < 0 || k >= fullyLocalCut()) {
      throw new IllegalArgumentException(
          "cut " + k + " has no tail to offload: offloading cuts are 0.." + (fullyLocalCut() - 1));
    }
    if (k == 0) {
      return new Frame(
          VibrationModel.MODEL_ID,
          modelHash,
          0,
          List.of(Tensor.of(VibrationModel.INPUT, new int[] {1, window.length}, window)));
    }
    OrtSession session = session(k);
    try (OnnxTensor input =
            OnnxTensor.createTensor(env, FloatBuffer.wrap(window), new long[] {1, window.length});
        OrtSession.Result result = session.run(Map.of(VibrationModel.INPUT, input))) {
      List<Tensor> tensors = new ArrayList<>();
      for (Map.Entry<String, OnnxValue> e : result) {
        OnnxTensor t = (OnnxTensor) e.getValue();
        long[] shape = t.getInfo().getShape();
        int[] dims = new int[shape.length];
        for (int i = 0; i < shape.length; i++) {
          dims[i] = Math.toIntExact(shape[i]);
        }
        FloatBuffer values = t.getFloatBuffer();
        float[] array = new float[values.remaining()];
        values.get(array);
        tensors.add(Tensor.of(e.getKey(), dims, array));
      }
      return new Frame(VibrationModel.MODEL_ID, modelHash, k, tensors);
    }
  }

  /** Runs the whole model locally (cut {@code K}) and returns the class probabilities. */
  public synchronized float[] local(float[] window) throws OrtException, IOException {
    OrtSession session = session(fullyLocalCut());
    try (OnnxTensor input =
            OnnxTensor.createTensor(env, FloatBuffer.wrap(window), new long[] {1, window.length});
        OrtSession.Result result = session.run(Map.of(VibrationModel.INPUT, input))) {
      float[][] probabilities = (float[][]) result.get(0).getValue();
      return probabilities[0];
    }
  }

  private OrtSession session(int k) throws OrtException, IOException {
    OrtSession session = sessions.get(k);
    if (session != null) {
      return session;
    }
    ModelProto model;
    if (k == fullyLocalCut()) {
      model = analysis.model();
    } else {
      Path file = cacheDir.resolve("cut-" + k).resolve("head.onnx");
      if (Files.exists(file)) {
        model = OnnxModels.read(file);
      } else {
        Files.createDirectories(file.getParent());
        model = ModelSplitter.split(analysis, k).head();
        OnnxModels.write(model, file);
      }
    }
    session = env.createSession(model.toByteArray(), SplitPipeline.sessionOptions());
    sessions.put(k, session);
    return session;
  }

  @Override
  public synchronized void close() throws OrtException {
    for (OrtSession session : sessions.values()) {
      session.close();
    }
    sessions.clear();
  }
}
