package io.bdt.ap.offload;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.bdt.dnn.graph.CutPoint;
import io.bdt.dnn.graph.GraphAnalysis;
import io.bdt.dnn.graph.GraphAnalyzer;
import io.bdt.dnn.split.ModelSplitter;
import io.bdt.dnn.split.SplitPipeline;
import io.bdt.dnn.zoo.ModelZoo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tail models this AP runs, one ONNX Runtime session per (model id, cut, intra-op threads).
 *
 * <p>A tail is split from the zoo model with the dnn module's {@link ModelSplitter} once and kept
 * on disk at {@code cacheDir/<model>/cut-<k>.onnx}, so a restart loads it instead of splitting
 * again. Sessions stay open for the AP's lifetime.
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
