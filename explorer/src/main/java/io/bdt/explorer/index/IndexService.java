package io.bdt.explorer.index;

import io.bdt.explorer.ExplorerConfig;
import io.bdt.explorer.abi.BdtContracts;
import io.bdt.explorer.node.NewHeads;
import io.bdt.explorer.node.NodeRpc;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Runs the {@link Indexer} on its own thread from startup: catches up with the node, then follows
 * it: woken at once by every WebSocket newHeads notification while that subscription is live
 * (polling only every {@code poll-interval-with-new-heads} then), polling the head every {@code
 * poll-interval} while it is not (no {@code ws-url}, or the WebSocket dropped; it reconnects). An
 * unreachable node or a failing step is logged, counted and retried; it never stops the service.
 */
@ApplicationScoped
public class IndexService {

  private static final Logger LOG = Logger.getLogger(IndexService.class);

  private final ExplorerConfig config;
  private final MeterRegistry registry;
  private final BdtContracts contracts = BdtContracts.load();
  private final Semaphore wake = new Semaphore(0);
  private IndexDatabase database;
  private IndexStore store;
  private Indexer indexer;
  private NodeRpc node;
  private Thread thread;
  private volatile NewHeads heads;
  private volatile boolean running;
  private volatile String lastError = "";
  private Counter blocks;
  private Counter failures;

  public IndexService(ExplorerConfig config, MeterRegistry registry) {
    this.config = config;
    this.registry = registry;
  }

  void start(@Observes StartupEvent event) {
    database =
        new IndexDatabase(
            config.db().url(), config.db().user(), config.db().password(), config.db().poolSize());
    store = new IndexStore(database.dataSource(), contracts);
    node = new NodeRpc(config.nodeUrl(), config.rpcTimeout());
    Counter reorgs =
        Counter.builder("bdt.explorer.reorgs")
            .description("chain reorganisations")
            .register(registry);
    blocks =
        Counter.builder("bdt.explorer.blocks").description("blocks indexed").register(registry);
    failures =
        Counter.builder("bdt.explorer.index.failures")
            .description("indexer steps that failed (node unreachable, bad answer)")
            .register(registry);
    indexer =
        new Indexer(
            node,
            store,
            config.batchBlocks(),
            r -> {
              reorgs.increment();
              LOG.infof("reorganisation: blocks %d..%d replaced", r.from(), r.oldTip());
            });
    Gauge.builder("bdt.explorer.node.head", indexer, Indexer::nodeHead).register(registry);
    running = true;
    thread = new Thread(this::run, "explorer-indexer");
    thread.setDaemon(true);
    thread.start();
    config
        .wsUrl()
        .ifPresent(
            ws -> heads = new NewHeads(ws, wake::release, e -> LOG.debugf("newHeads: %s", e)));
    Gauge.builder("bdt.explorer.newheads.live", this, s -> s.followsNewHeads() ? 1 : 0)
        .description("1 while the WebSocket newHeads subscription is live, else 0 (polling)")
        .register(registry);
  }

  /** Whether the indexer is following the node by its live newHeads subscription. */
  public boolean followsNewHeads() {
    NewHeads h = heads;
    return h != null && h.live();
  }

  void stop(@Observes ShutdownEvent event) {
    running = false;
    if (heads != null) {
      heads.close();
    }
    if (thread != null) {
      thread.interrupt();
      try {
        thread.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (database != null) {
      database.close();
    }
  }

  private void run() {
    boolean followed = false;
    while (running) {
      boolean follows = followsNewHeads();
      if (follows != followed) {
        LOG.infof(
            follows
                ? "following %s by its newHeads subscription"
                : "newHeads subscription to %s down: polling the head every "
                    + config.pollInterval(),
            config.wsUrl().map(Object::toString).orElse(""));
        followed = follows;
      }
      try {
        int n = indexer.step();
        blocks.increment(n);
        lastError = "";
        if (n > 0) {
          continue;
        }
      } catch (Exception e) {
        if (!running) {
          return;
        }
        failures.increment();
        if (!e.toString().equals(lastError)) {
          LOG.warnf("indexing %s failed (retrying): %s", node.url(), e);
        }
        lastError = e.toString();
      }
      try {
        Duration poll =
            followsNewHeads() ? config.pollIntervalWithNewHeads() : config.pollInterval();
        wake.tryAcquire(poll.toMillis(), TimeUnit.MILLISECONDS);
        wake.drainPermits();
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  public DataSource dataSource() {
    return database.dataSource();
  }

  public NodeRpc node() {
    return node;
  }

  public BdtContracts contracts() {
    return contracts;
  }

  /** The indexer's view of its progress. */
  public record Status(
      long indexed, long nodeHead, long reorgs, boolean newHeads, String lastError) {}

  public Status status() {
    long indexed;
    try {
      indexed = store.tip().map(IndexStore.Tip::number).orElse(-1L);
    } catch (java.sql.SQLException e) {
      indexed = -1;
    }
    return new Status(indexed, indexer.nodeHead(), indexer.reorgs(), followsNewHeads(), lastError);
  }

  /** The indexer's last error, if its last step failed. */
  public Optional<String> lastError() {
    return lastError.isEmpty() ? Optional.empty() : Optional.of(lastError);
  }
}
