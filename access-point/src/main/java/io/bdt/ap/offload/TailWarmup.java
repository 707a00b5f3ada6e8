package io.bdt.ap.offload;

import ai.onnxruntime.OrtException;
import io.bdt.dnn.registry.ModelRefused;
import io.bdt.dnn.registry.ModelRegistry;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warms the tails of the models {@code bdt.ap.warm-models} names: checks the names when started (a
 * typo fails the AP's start), then splits, loads and runs their tails on a background thread, so
 * the first offloaded task does not pay ONNX Runtime's session start.
 */
public final class TailWarmup {
  private static final Logger LOG = LoggerFactory.getLogger(TailWarmup.class);

  private volatile boolean warm;
  private volatile String error;

  private TailWarmup() {}

  /**
   * Starts warming {@code models} in {@code tails}, up to {@code cores} sessions each.
   *
   * @throws IllegalArgumentException naming a model that is not registered
   */
  public static TailWarmup start(TailModels tails, List<String> models, int cores) {
    for (String model : models) {
      if (tails.registry().named(model).isEmpty()) {
        throw new IllegalArgumentException(
            "bdt.ap.warm-models: '"
                + model
                + "' is not a registered model (bdt.ap.models registers "
                + tails.registry().entries().stream().map(ModelRegistry.Entry::name).toList()
                + ")");
      }
    }
    TailWarmup warmup = new TailWarmup();
    Thread.ofPlatform()
        .name("ap-tail-warm")
        .daemon()
        .start(() -> warmup.warm(tails, models, cores));
    return warmup;
  }

  private void warm(TailModels tails, List<String> models, int cores) {
    long t0 = System.nanoTime();
    try {
      int sessions = 0;
      for (String model : models) {
        sessions += tails.warm(model, cores);
      }
      LOG.info(
          "tails warm: {} sessions of {} in {} ms",
          sessions,
          models,
          (System.nanoTime() - t0) / 1_000_000);
      warm = true;
    } catch (RuntimeException | ModelRefused | OrtException e) {
      error = e.getMessage();
      LOG.error("warming tails of {} failed: {}", models, e.getMessage(), e);
    }
  }

  /** Whether every tail is loaded and has run once. */
  public boolean warm() {
    return warm;
  }

  /** Why warming failed, or null. */
  public String error() {
    return error;
  }
}
