package io.bdt.gateway.anchor;

import io.bdt.gateway.GatewayConfig;
import io.bdt.gateway.inference.InferenceLoop;
import io.bdt.gateway.inference.TaskResult;
import io.bdt.gateway.twin.TwinStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Every anchor period, computes the Merkle root of the twin snapshots and the results served since
 * the last anchor ({@link AnchorBatch}) and posts it to the {@link AnchorSink}.
 */
@ApplicationScoped
public class TwinAnchoring {

  private static final Logger LOG = Logger.getLogger(TwinAnchoring.class);

  private final GatewayConfig config;
  private final TwinStore twins;
  private final InferenceLoop inference;
  private final Clock clock;
  private final Counter anchors;
  private AnchorSink sink;
  private ScheduledExecutorService executor;
  private volatile String lastAnchor = "";

  public TwinAnchoring(
      GatewayConfig config,
      TwinStore twins,
      InferenceLoop inference,
      Clock clock,
      MeterRegistry registry) {
    this.config = config;
    this.twins = twins;
    this.inference = inference;
    this.clock = clock;
    this.anchors = Counter.builder("bdt.anchors").description("anchors posted").register(registry);
  }

  void start(@Observes StartupEvent event) throws IOException {
    double period = config.anchor().period();
    if (!(period > 0)) {
      return;
    }
    sink = new FileAnchorSink(Path.of(config.dataDir()).resolve("anchors.jsonl"), clock);
    executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "twin-anchor");
              t.setDaemon(true);
              return t;
            });
    long micros = Math.round(period * 1e6);
    executor.scheduleWithFixedDelay(this::safeAnchor, micros, micros, TimeUnit.MICROSECONDS);
  }

  void stop(@Observes ShutdownEvent event) {
    if (executor != null) {
      executor.shutdownNow();
    }
  }

  private void safeAnchor() {
    try {
      anchorNow();
    } catch (Exception e) {
      LOG.warnf(e, "anchoring failed");
    }
  }

  /** Posts one anchor now if there is anything to anchor; returns the sink's reference. */
  public synchronized String anchorNow() throws IOException {
    List<TaskResult> results = inference.drainUnanchored();
    AnchorBatch batch = AnchorBatch.of(twins.all(), results);
    if (batch.items().isEmpty()) {
      return lastAnchor;
    }
    lastAnchor = sink.anchor(batch.tree().root(), batch.items().size());
    anchors.increment();
    return lastAnchor;
  }
}
