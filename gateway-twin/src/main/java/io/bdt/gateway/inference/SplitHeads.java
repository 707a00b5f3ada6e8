package io.bdt.gateway.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.bdt.dnn.codec.Frame;
import io.bdt.dnn.codec.ModelHash;
import io.bdt.dnn.codec.Tensor;
import io.bdt.dnn.graph.GraphAnalysis;
import io.bdt.dnn.graph.GraphAnalyzer;
import io.bdt.dnn.onnx.OnnxModels;
import io.bdt.dnn.onnx.proto.Onnx.ModelProto;
import io.bdt.dnn.split.ModelSplitter;
import io.bdt.dnn.split.SplitPipeline;
import io.bdt.dnn.vibration.VibrationModel;
import io.bdt.dnn.zoo.ModelZoo;
import io.bdt.dnn.zoo.ZooModel;
import io.bdt.optimizer.cost.CostTable;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The gateway's side of split inference for one registered model (the vibration classifier, or a
 * zoo model such as {@code mobilenetv2} for camera frames): the model (the vibration classifier
 * trained from its seed, a zoo model built; cached on disk), its cut table as the optimizer's
 * {@link CostTable} ({@code headFlops}, {@code tailFlops}, {@code bits} per sample), and one ONNX
 * Runtime session per head, split by the dnn module and cached on disk under {@code models/<model
 * dir>/cut-{k}/head.onnx}.
 *
 * <p>Cut 0 sends the window itself; the last cut runs the whole model and yields probabilities.
 * {@link #warm} opens every session and runs it once ahead of the first task, for a model of at
 * most {@link CostTable#WARM_ALL_CUTS} cuts; a larger model warms its deployed cuts ({@link
 * CostTable#deployedCuts}, the only ones a slot decision picks: MobileNetV2's 154 reduce to 6), any
 * other head opens on first use ({@link #open} says how long that took, a cold start) and at most
 * {@link #MAX_SESSIONS} stay open (every MobileNetV2 head open would hold about a gigabyte).
 *
 * <p>Every head runs on one ONNX Runtime thread, the calling one: its CPU time is then the head's
 * compute, which the gateway's compute class paces ({@link HeadPacer}), and a run is not stretched
 * by a second pool thread waiting for a core at every operator on a shared host.
 */
public final class SplitHeads implements AutoCloseable {

  /** Head sessions kept open at most; the least recently used closes. */
  static final int MAX_SESSIONS = 16;

  private final String name;
  private final GraphAnalysis analysis;
  private final ModelHash modelHash;
  private final CostTable costTable;
  private final Path cacheDir;
  private final String input;
  private final long[] inputShape;
  private final String[] labels;
  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final Map<Integer, OrtSession> sessions = new java.util.LinkedHashMap<>(16, 0.75f, true);

  private SplitHeads(String name, GraphAnalysis analysis, Path cacheDir) {
    this.name = name;
    this.analysis = analysis;
    this.modelHash = ModelHash.of(analysis.model());
    this.cacheDir = cacheDir;
    io.bdt.dnn.graph.TensorInfo in = analysis.inputs().getFirst();
    this.input = in.name();
    this.inputShape = in.dims().stream().mapToLong(Long::longValue).toArray();
    this.labels =
        analysis.model().getMetadataPropsList().stream()
            .filter(p -> p.getKey().equals("labels"))
            .map(p -> p.getValue().split(","))
            .findFirst()
            .orElse(new String[0]);
    this.costTable = analysis.costTable(modelName());
  }

  /**
   * The heads of the registered model {@code model} under {@code modelsDir}: {@code vibration} is
   * the classifier trained from {@code seed}, any other name a zoo model (built once, then read
   * from the cache).
   */
  public static SplitHeads of(String model, Path modelsDir, long seed) throws IOException {
    if (model.equals(VibrationModel.MODEL_ID)) {
      return vibration(modelsDir, seed);
    }
    ZooModel zoo = ModelZoo.named(model);
    return cached(zoo.name(), modelsDir.resolve(zoo.name()), zoo::build);
  }

  /** Loads (or trains and caches) the vibration model of {@code seed} under {@code modelsDir}. */
  public static SplitHeads vibration(Path modelsDir, long seed) throws IOException {
    return cached(
        VibrationModel.MODEL_ID,
        modelsDir.resolve("vibration-seed" + seed),
        () -> VibrationModel.train(seed).toOnnx());
  }

  /** The model cached as {@code dir/model.onnx}, made by {@code build} when absent. */
  private static SplitHeads cached(
      String name, Path dir, java.util.function.Supplier<ModelProto> build) throws IOException {
    Path file = dir.resolve("model.onnx");
    ModelProto model;
    if (Files.exists(file)) {
      model = OnnxModels.read(file);
    } else {
      Files.createDirectories(dir);
      model = build.get();
      Path tmp = dir.resolve("model.onnx.tmp");
      OnnxModels.write(model, tmp);
      Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
    return new SplitHeads(name, GraphAnalyzer.analyze(model, Map.of()), dir);
  }

  /**
   * Splits and opens the head of every cut {@code 1..K} (cut {@code K}: the whole model) and runs
   * each once on a zero window, so that no task pays ONNX Runtime's session start or first run; a
   * model of more than {@link CostTable#WARM_ALL_CUTS} cuts warms its deployed cuts only ({@link
   * CostTable#deployedCuts}).
   *
   * @return the number of sessions warmed
   */
  public synchronized int warm() throws OrtException, IOException {
    float[] zeros = new float[inputLength()];
    int warmed = 1;
    for (int k : costTable.warmCuts()) {
      if (k > 0 && k < fullyLocalCut()) {
        head(k, zeros);
        warmed++;
      }
    }
    local(zeros);
    return warmed;
  }

  /**
   * Opens the session of cut {@code k} if it is not open (splitting its head first if not cached on
   * disk) and runs it once, as {@link #warm} does.
   *
   * @return the seconds that took: 0 for an open session or cut 0, else a cold start the caller
   *     reports apart
   */
  public synchronized double open(int k) throws OrtException, IOException {
    if (k == 0 || sessions.containsKey(k)) {
      return 0;
    }
    long start = System.nanoTime();
    float[] zeros = new float[inputLength()];
    if (k == fullyLocalCut()) {
      local(zeros);
    } else {
      head(k, zeros);
    }
    return Math.max(1e-9, (System.nanoTime() - start) / 1e9);
  }

  /** The registered model's name, which frames carry ({@code vibration}, {@code mobilenetv2}). */
  public String modelName() {
    return name;
  }

  /** Values in one input sample (a window's samples, a frame's pixels). */
  public int inputLength() {
    long n = 1;
    for (long d : inputShape) {
      n *= d;
    }
    return Math.toIntExact(n);
  }

  /** The name of class {@code index}: the model's {@code labels} metadata, else the index. */
  public String label(int index) {
    return index < labels.length ? labels[index] : Integer.toString(index);
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
      int[] dims = new int[inputShape.length];
      for (int i = 0; i < dims.length; i++) {
        dims[i] = Math.toIntExact(inputShape[i]);
      }
      return new Frame(modelName(), modelHash, 0, List.of(Tensor.of(input, dims, window)));
    }
    OrtSession session = session(k);
    try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(window), inputShape);
        OrtSession.Result result = session.run(Map.of(input, in))) {
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
      return new Frame(modelName(), modelHash, k, tensors);
    }
  }

  /** Runs the whole model locally (cut {@code K}) and returns the class probabilities. */
  public synchronized float[] local(float[] window) throws OrtException, IOException {
    OrtSession session = session(fullyLocalCut());
    try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(window), inputShape);
        OrtSession.Result result = session.run(Map.of(input, in))) {
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
    OrtSession.SessionOptions options = SplitPipeline.sessionOptions();
    options.setIntraOpNumThreads(1);
    session = env.createSession(model.toByteArray(), options);
    sessions.put(k, session);
    if (sessions.size() > MAX_SESSIONS) {
      var eldest = sessions.entrySet().iterator().next();
      eldest.getValue().close();
      sessions.remove(eldest.getKey());
    }
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
