package io.bdt.gateway.anchor;

import io.bdt.contracts.merkle.MerkleTree;
import io.bdt.gateway.GatewayConfig;
import io.bdt.gateway.chain.ChainAnchorSink;
import io.bdt.gateway.chain.GatewayChain;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Every anchor period, computes the Merkle root of the twin snapshots and the results served since
 * the last anchor ({@link AnchorBatch}) and posts it to the {@link AnchorSink} (TwinAnchor when the
 * chain is configured); keeps the recent batches to answer inclusion proofs.
 */
@ApplicationScoped
public class TwinAnchoring {

  private static final Logger LOG = Logger.getLogger(TwinAnchoring.class);

  private final GatewayConfig config;
  private final TwinStore twins;
  private final InferenceLoop inference;
  private final Clock clock;
  private final Counter anchors;
  private final GatewayChain chain;
  private final Deque<Posted> recent = new ArrayDeque<>();
  private AnchorSink sink;
  private AnchorArchive archive;
  private ScheduledExecutorService executor;
  private volatile String lastAnchor = "";

  public TwinAnchoring(
      GatewayConfig config,
      TwinStore twins,
      InferenceLoop inference,
      Clock clock,
      GatewayChain chain,
      MeterRegistry registry) {
    this.chain = chain;
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
    archive = new AnchorArchive(Path.of(config.dataDir()).resolve(ARCHIVE_FILE));
    FileAnchorSink journal =
        new FileAnchorSink(Path.of(config.dataDir()).resolve(GatewayChain.ANCHORS_FILE), clock);
    sink =
        chain.anchor().isPresent()
            ? new ChainAnchorSink(
                journal, chain.anchor().get().getContractAddress(), chain.outbox())
            : journal;
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
    MerkleTree tree = batch.tree();
    // archived before it is posted: an anchored root always has its batch on disk
    archive.append(tree.root(), batch, clock.instant());
    lastAnchor = sink.anchor(tree.root(), batch.items().size());
    anchors.increment();
    recent.addFirst(new Posted(batch, tree, lastAnchor));
    while (recent.size() > RECENT) {
      recent.removeLast();
    }
    return lastAnchor;
  }

  /**
   * The inclusion proof of the result of task {@code taskId} (hex, with or without 0x) in the
   * anchor that committed to it: from the last {@value #RECENT} batches in memory, else from the
   * durable archive.
   */
  public synchronized Optional<AnchorProof> proofOfResult(String taskId) {
    // result items carry the task id as bare lower-case hex; the twin's health shows it with 0x
    String bare = taskId.toLowerCase(java.util.Locale.ROOT);
    String prefix = "result:" + (bare.startsWith("0x") ? bare.substring(2) : bare) + ":";
    for (Posted p : recent) {
      List<byte[]> items = p.batch().items();
      for (int i = 0; i < items.size(); i++) {
        if (new String(items.get(i), StandardCharsets.UTF_8).startsWith(prefix)) {
          return Optional.of(AnchorProof.of(p.tree(), items.get(i), i, p.reference()));
        }
      }
    }
    if (archive == null) {
      return Optional.empty();
    }
    try {
      return archive.proofOf(item -> item.startsWith(prefix));
    } catch (IOException e) {
      LOG.warnf("anchor archive unreadable: %s", e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * The anchored records of thing {@code thingId} (twin snapshots and results) with their proofs,
   * newest first, at most {@code limit}, from the durable archive.
   */
  public List<AnchorArchive.Record> recordsOf(String thingId, int limit) throws IOException {
    return archive == null ? List.of() : archive.recordsOf(thingId, limit);
  }

  /** The file that keeps every anchored batch. */
  public static final String ARCHIVE_FILE = "anchor-batches.jsonl";

  /** How many recent anchors keep their batch for proofs. */
  static final int RECENT = 64;

  private record Posted(AnchorBatch batch, MerkleTree tree, String reference) {}
}
