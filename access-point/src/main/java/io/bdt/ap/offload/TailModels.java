package io.bdt.ap.offload;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.bdt.dnn.codec.ModelHash;
import io.bdt.dnn.graph.CutPoint;
import io.bdt.dnn.graph.GraphAnalysis;
import io.bdt.dnn.graph.GraphAnalyzer;
import io.bdt.dnn.registry.ModelRefused;
import io.bdt.dnn.registry.ModelRegistry;
import io.bdt.dnn.split.ModelSplitter;
import io.bdt.dnn.split.SplitPipeline;
import io.bdt.optimizer.cost.CostTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tails of every model in the AP's {@link ModelRegistry}, loaded on demand: one ONNX Runtime
 * session per (model hash, cut, intra-op threads).
 *
 * <p>A tail is split from the registered model with the dnn module's {@link ModelSplitter} once and
 * kept on disk at {@code cacheDir/<sha256>/cut-<k>.onnx}, so a restart loads it instead of
 * splitting again. Memory is bounded: at most {@code maxModels} whole models (their analyses, which
 * hold the weights) and {@code maxSessions} tail sessions are kept, the least recently used dropped
 * first. Sessions are used inside {@link #run} only, under this object's lock, so one is never
 * closed while it runs. {@link #warm} splits, loads and runs a model's tails ahead of the first
 * task.
 */
public final class TailModels implements AutoCloseable {

  /** A ready tail: its model, the cut it starts after and its session. */
  public record Tail(ModelRegistry.Entry model, CutPoint cut, OrtSession session) {
    /** {@code c_k^tail}, FLOPs per sample. */
    public long tailFlops() {
      return cut.tailFlops();
    }

    /** The model's name, for messages. */
    public String modelId() {
      return model.name();
    }
  }

  /** What runs a tail under the lock that keeps it open. */
  public interface TailRun<T> {
    T run(Tail tail) throws OrtException;
  }

  /**
   * What runs a tail and is told how long this call spent splitting and loading it first (0 when
   * the session was open), seconds.
   */
  public interface LoadingTailRun<T> {
    T run(Tail tail, double loadSeconds) throws OrtException;
  }

  private record Key(ModelHash model, int cut, int threads) {}

  private final Path cacheDir;
  private final ModelRegistry registry;
  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final LinkedHashMap<ModelHash, GraphAnalysis> analyses;
  private final LinkedHashMap<Key, Tail> tails;

  /**
   * @param maxModels whole models kept in memory (their graph analyses), at least 1
   * @param maxSessions tail sessions kept open, at least 1
   */
  public TailModels(Path cacheDir, ModelRegistry registry, int maxModels, int maxSessions) {
    if (maxModels < 1 || maxSessions < 1) {
      throw new IllegalArgumentException(
          "maxModels and maxSessions must be >= 1, got " + maxModels + ", " + maxSessions);
    }
    this.cacheDir = cacheDir;
    this.registry = registry;
    this.analyses =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<ModelHash, GraphAnalysis> eldest) {
            return size() > maxModels;
          }
        };
    this.tails =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Key, Tail> eldest) {
            if (size() <= maxSessions) {
              return false;
            }
            closeQuietly(eldest.getValue());
            return true;
          }
        };
  }

  /** The registry whose models this AP serves. */
  public ModelRegistry registry() {
    return registry;
  }

  /**
   * Runs {@code work} on the tail of {@code model} after cut {@code cut} with {@code threads}
   * intra-op threads, loading and splitting it first if needed.
   *
   * @throws ModelRefused when the model is not registered or its bytes changed
   * @throws IllegalArgumentException naming the model and cut when the model has no such
   *     offloadable cut
   */
  public <T> T run(ModelRegistry.Entry model, int cut, int threads, TailRun<T> work)
      throws ModelRefused, OrtException {
    return run(model, cut, threads, (LoadingTailRun<T>) (tail, loadSeconds) -> work.run(tail));
  }

  /**
   * As {@link #run(ModelRegistry.Entry, int, int, TailRun)}, telling {@code work} how long this
   * call spent loading the tail: a task that paid it is not a measure of the AP's per-task cost.
   */
  public synchronized <T> T run(
      ModelRegistry.Entry model, int cut, int threads, LoadingTailRun<T> work)
      throws ModelRefused, OrtException {
    Key key = new Key(model.hash(), cut, threads);
    Tail tail = tails.get(key);
    long loadNanos = 0;
    if (tail == null) {
      long t0 = System.nanoTime();
      tail = open(model, key);
      loadNanos = System.nanoTime() - t0;
      tails.put(key, tail);
    }
    return work.run(tail, loadNanos / 1e9);
  }

  /**
   * Splits and opens the offloadable tails of the registered model {@code name} ({@link
   * CostTable#warmCuts}) for 1..{@code maxThreads} intra-op threads and runs each once on zeros, so
   * the first task at a deployed cut and any share pays none of it.
   *
   * @return the number of sessions warmed
   * @throws IllegalArgumentException naming the model when none of that name is registered
   */
  public int warm(String name, int maxThreads) throws ModelRefused, OrtException {
    if (maxThreads < 1) {
      throw new IllegalArgumentException("maxThreads: must be >= 1, got " + maxThreads);
    }
    ModelRegistry.Entry model =
        registry
            .named(name)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "model: no registered model is called '"
                            + name
                            + "' (registered: "
                            + registry.entries().stream().map(ModelRegistry.Entry::name).toList()
                            + ")"));
    List<Integer> cuts;
    synchronized (this) {
      CostTable table = analysis(model).costTable(model.name());
      cuts = table.warmCuts().stream().filter(k -> k < table.fullyLocalCut()).toList();
    }
    int warmed = 0;
    for (int k : cuts) {
      for (int threads = 1; threads <= maxThreads; threads++) {
        run(model, k, threads, this::runOnZeros);
        warmed++;
      }
    }
    return warmed;
  }

  /** Whether the session of ({@code model}, {@code cut}, {@code threads}) is open. */
  public synchronized boolean isOpen(ModelHash model, int cut, int threads) {
    return tails.containsKey(new Key(model, cut, threads));
  }

  /** The models whose analyses are in memory, least recently used first. */
  public synchronized List<ModelHash> loadedModels() {
    return List.copyOf(analyses.keySet());
  }

  /** Tail sessions open now. */
  public synchronized int openSessions() {
    return tails.size();
  }

  private Object runOnZeros(Tail tail) throws OrtException {
    Map<String, OnnxTensor> inputs = new HashMap<>();
    try {
      for (Map.Entry<String, NodeInfo> e : tail.session().getInputInfo().entrySet()) {
        if (!(e.getValue().getInfo() instanceof TensorInfo info)) {
          throw new IllegalStateException(
              "tail "
                  + tail.modelId()
                  + " cut "
                  + tail.cut().id()
                  + ": input "
                  + e.getKey()
                  + " is not a tensor");
        }
        long[] shape = info.getShape().clone();
        long size = 1;
        for (int i = 0; i < shape.length; i++) {
          shape[i] = shape[i] < 1 ? 1 : shape[i]; // symbolic batch dimension: one sample
          size *= shape[i];
        }
        inputs.put(
            e.getKey(),
            OnnxTensor.createTensor(
                env, FloatBuffer.wrap(new float[Math.toIntExact(size)]), shape));
      }
      try (OrtSession.Result ignored = tail.session().run(inputs)) {
        return null; // the first run allocates ONNX Runtime's buffers; its result is not needed
      }
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
  }

  /**
   * The dnn module's analysis (per-cut FLOPs and bits) of the registered model {@code name} with
   * {@code hash}: what the slot coordinator prices a gateway's demand with.
   *
   * @throws ModelRefused when no model with that hash is registered
   */
  public synchronized GraphAnalysis analysis(String name, ModelHash hash) throws ModelRefused {
    return analysis(registry.resolve(name, hash));
  }

  private GraphAnalysis analysis(ModelRegistry.Entry model) throws ModelRefused {
    GraphAnalysis analysis = analyses.get(model.hash());
    if (analysis == null) {
      analysis = GraphAnalyzer.analyze(registry.load(model.hash()), Map.of());
      analyses.put(model.hash(), analysis);
    }
    return analysis;
  }

  private Tail open(ModelRegistry.Entry model, Key key) throws ModelRefused, OrtException {
    Path file = cacheDir.resolve(model.hash().hex()).resolve("cut-" + key.cut() + ".onnx");
    GraphAnalysis analysis = analysis(model); // the cut's FLOPs, and the split if not on disk
    CutPoint cut = checkedCut(analysis, model, key.cut());
    try {
      if (!Files.exists(file)) {
        Files.createDirectories(file.getParent());
        Path partial = Files.createTempFile(file.getParent(), "cut-", ".part");
        Files.write(partial, ModelSplitter.split(analysis, key.cut()).tail().toByteArray());
        Files.move(partial, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write tail model " + file, e);
    }
    OrtSession.SessionOptions options = SplitPipeline.sessionOptions();
    options.setIntraOpNumThreads(key.threads());
    options.setInterOpNumThreads(1);
    try {
      return new Tail(model, cut, env.createSession(file.toString(), options));
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime cannot load tail model " + file, e);
    }
  }

  private static CutPoint checkedCut(GraphAnalysis analysis, ModelRegistry.Entry model, int k) {
    int last = analysis.cuts().size() - 1;
    if (k < 0 || k >= last) {
      throw new IllegalArgumentException(
          "cut: model "
              + model.name()
              + " has offloadable cuts 0.."
              + (last - 1)
              + " (cut "
              + last
              + " is fully local), got "
              + k);
    }
    return analysis.cut(k);
  }

  private static void closeQuietly(Tail tail) {
    try {
      tail.session().close();
    } catch (OrtException e) {
      // a session that cannot close holds native memory until exit; nothing else to do
    }
  }

  @Override
  public synchronized void close() throws OrtException {
    for (Tail t : tails.values()) {
      t.session().close();
    }
    tails.clear();
    analyses.clear();
  }
}
