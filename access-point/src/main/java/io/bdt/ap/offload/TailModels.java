package io.bdt.ap.offload;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.bdt.dnn.graph.CutPoint;
import io.bdt.dnn.graph.GraphAnalysis;
import io.bdt.dnn.graph.GraphAnalyzer;
import io.bdt.dnn.split.ModelSplitter;
import io.bdt.dnn.split.SplitPipeline;
import io.bdt.dnn.zoo.ModelZoo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tail models this AP runs, one ONNX Runtime session per (model id, cut, intra-op threads).
 *
 * <p>A tail is split from the zoo model with the dnn module's {@link ModelSplitter} once and kept
 * on disk at {@code cacheDir/<model>/cut-<k>.onnx}, so a restart loads it instead of splitting
 * again. Sessions stay open for the AP's lifetime. {@link #warm} does all of that ahead of the
 * first task (split, load, one run per session), so no offloaded task pays it.
 */
public final class TailModels implements AutoCloseable {

  /** A ready tail: its session, the cut it starts after and the FLOPs per sample it runs. */
  public record Tail(String modelId, CutPoint cut, OrtSession session) {
    /** {@code c_k^tail}, FLOPs per sample. */
    public long tailFlops() {
      return cut.tailFlops();
    }
  }

  private record Key(String modelId, int cut, int threads) {}

  private final Path cacheDir;
  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final Map<String, GraphAnalysis> analyses = new ConcurrentHashMap<>();
  private final Map<Key, Tail> tails = new ConcurrentHashMap<>();

  public TailModels(Path cacheDir) {
    this.cacheDir = cacheDir;
  }

  /**
   * The tail of {@code modelId} after cut {@code cut}, with {@code threads} intra-op threads.
   *
   * @throws IllegalArgumentException naming the model or cut when the zoo has no such model or the
   *     model no such cut
   */
  public Tail tail(String modelId, int cut, int threads) {
    return tails.computeIfAbsent(new Key(modelId, cut, threads), this::open);
  }

  /**
   * Splits and opens every offloadable tail of {@code modelId} for 1..{@code maxThreads} intra-op
   * threads and runs each once on zeros, so the first task at any cut and share pays none of it.
   *
   * @return the number of sessions warmed
   * @throws IllegalArgumentException naming the model when the zoo has no such model
   */
  public int warm(String modelId, int maxThreads) {
    if (maxThreads < 1) {
      throw new IllegalArgumentException("maxThreads: must be >= 1, got " + maxThreads);
    }
    int offloadable = analyses.computeIfAbsent(modelId, TailModels::analyse).cuts().size() - 1;
    int warmed = 0;
    for (int k = 0; k < offloadable; k++) {
      for (int threads = 1; threads <= maxThreads; threads++) {
        runOnZeros(tail(modelId, k, threads));
        warmed++;
      }
    }
    return warmed;
  }

  /** Whether the session of ({@code modelId}, {@code cut}, {@code threads}) is already open. */
  public boolean isOpen(String modelId, int cut, int threads) {
    return tails.containsKey(new Key(modelId, cut, threads));
  }

  private void runOnZeros(Tail tail) {
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
        // the first run allocates ONNX Runtime's buffers; its result is not needed
      }
    } catch (OrtException e) {
      throw new IllegalStateException(
          "ONNX Runtime cannot run tail " + tail.modelId() + " cut " + tail.cut().id(), e);
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
  }

  private Tail open(Key key) {
    GraphAnalysis analysis = analyses.computeIfAbsent(key.modelId(), TailModels::analyse);
    int last = analysis.cuts().size() - 1;
    if (key.cut() < 0 || key.cut() >= last) {
      throw new IllegalArgumentException(
          "cut: model "
              + key.modelId()
              + " has offloadable cuts 0.."
              + (last - 1)
              + " (cut "
              + last
              + " is fully local), got "
              + key.cut());
    }
    CutPoint cut = analysis.cut(key.cut());
    Path file = cacheDir.resolve(key.modelId()).resolve("cut-" + key.cut() + ".onnx");
    try {
      if (!Files.exists(file)) {
        Files.createDirectories(file.getParent());
        Path partial = Files.createTempFile(file.getParent(), "cut-", ".part");
        Files.write(partial, ModelSplitter.split(analysis, key.cut()).tail().toByteArray());
        Files.move(partial, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      }
      OrtSession.SessionOptions options = SplitPipeline.sessionOptions();
      options.setIntraOpNumThreads(key.threads());
      options.setInterOpNumThreads(1);
      return new Tail(key.modelId(), cut, env.createSession(file.toString(), options));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write tail model " + file, e);
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime cannot load tail model " + file, e);
    }
  }

  private static GraphAnalysis analyse(String modelId) {
    try {
      return GraphAnalyzer.analyze(ModelZoo.named(modelId).build(), Map.of());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "model: unknown model id '"
              + modelId
              + "' (the AP serves "
              + ModelZoo.all().stream().map(m -> m.name()).toList()
              + ")",
          e);
    }
  }

  /** The models with an analysis loaded. */
  public List<String> loadedModels() {
    return List.copyOf(analyses.keySet());
  }

  @Override
  public void close() throws OrtException {
    for (Tail t : tails.values()) {
      t.session().close();
    }
    tails.clear();
  }
}
