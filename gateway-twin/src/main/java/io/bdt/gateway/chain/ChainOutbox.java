package io.bdt.gateway.chain;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import org.web3j.protocol.exceptions.TransactionException;

/**
 * The gateway's chain writes, durable and in order, on one thread. A write is queued after its
 * local record is on disk and is itself forced to the outbox file ({@link OutboxFile}) before
 * {@link #submit} returns; the file is replayed when the outbox opens, so a restart resends what
 * was pending. When it starts, the outbox first reconciles (asks the {@link Reconciliation} what
 * the chain is missing of the local records and queues that). Each write goes through {@link
 * ChainWriter}, which checks the chain before sending, so nothing lands twice.
 *
 * <p>A write that fails stays at the head and is retried every {@code retrySeconds} (forever while
 * the node is unreachable, up to 5 times for other errors); one the chain reverted or that
 * conflicts with the chain is dropped. Every failure is logged and counted in {@code
 * bdt_chain_errors_total{op, kind}}; unusable outbox lines are reported with file and line and
 * counted as {@code op=outbox, kind=corrupt}, and the rest is replayed.
 */
public final class ChainOutbox implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ChainOutbox.class);

  /** What the chain is missing of the local records; runs on the outbox thread at start. */
  @FunctionalInterface
  public interface Reconciliation {
    /**
     * The missing writes; conflicts (records the chain holds for someone else) go to {@code
     * conflicts}.
     */
    List<ChainWrite> missing(ChainWriter writer, List<String> conflicts) throws Exception;
  }

  /** A write that fails this often for another reason than an unreachable node is dropped. */
  private static final int MAX_FAILED_ATTEMPTS = 5;

  /** The file is rewritten with only the pending writes once it holds this many more lines. */
  private static final int COMPACT_AFTER_LINES = 1024;

  private final BlockingDeque<OutboxFile.Entry> queue = new LinkedBlockingDeque<>();
  private final OutboxFile file;
  private final ChainWriter writer;
  private final MeterRegistry registry;
  private final long retryMillis;
  private final List<String> problems;
  private final int replayed;
  private final List<String> conflicts = new CopyOnWriteArrayList<>();
  private long nextSeq;
  private Thread worker;
  private volatile boolean reconciled;
  private volatile boolean closed;

  /**
   * Opens the outbox file {@code path} and replays it (the worker starts with {@link #start});
   * failed writes are retried every {@code retrySeconds}.
   */
  public ChainOutbox(Path path, ChainWriter writer, MeterRegistry registry, double retrySeconds)
      throws IOException {
    if (!(retrySeconds > 0)) {
      throw new IllegalArgumentException("retrySeconds must be > 0, got " + retrySeconds);
    }
    this.writer = writer;
    this.registry = registry;
    this.retryMillis = Math.round(retrySeconds * 1000);
    OutboxFile.Replay replay = OutboxFile.read(path);
    this.problems = replay.problems();
    for (String p : problems) {
      LOG.error(p + "; the line is skipped, the rest replayed");
      count("outbox", "corrupt");
    }
    if (!problems.isEmpty()) {
      Path copy = path.resolveSibling(path.getFileName() + ".corrupt");
      Files.copy(path, copy, StandardCopyOption.REPLACE_EXISTING);
      LOG.errorf(
          "chain outbox %s had %d unusable line(s); the original is kept as %s",
          path, problems.size(), copy);
    }
    this.file = new OutboxFile(path);
    // the file from now on holds exactly the pending writes
    file.rewrite(replay.pending());
    queue.addAll(replay.pending());
    this.replayed = replay.pending().size();
    this.nextSeq = replay.nextSeq();
    if (replayed > 0) {
      LOG.infof("chain outbox %s: %d pending write(s) replayed", path, replayed);
    }
    Gauge.builder("bdt.chain.outbox.pending", queue, q -> q.size())
        .description("chain writes queued and not yet on chain (kept in the outbox file)")
        .register(registry);
  }

  /** Starts the writer thread: reconciliation first, then the queue in order. */
  public synchronized void start(Reconciliation reconciliation) {
    if (worker != null) {
      throw new IllegalStateException("the chain outbox is already started");
    }
    worker = new Thread(() -> run(reconciliation), "chain-outbox");
    worker.setDaemon(true);
    worker.start();
  }

  /**
   * Queues {@code write} behind every earlier one and forces it to the outbox file.
   *
   * @throws UncheckedIOException when the file cannot be written (the write is not queued)
   */
  public synchronized void submit(ChainWrite write) {
    OutboxFile.Entry entry = new OutboxFile.Entry(nextSeq, write);
    try {
      file.append(entry);
    } catch (IOException e) {
      throw new UncheckedIOException("writing the chain outbox " + file.path(), e);
    }
    nextSeq++;
    queue.addLast(entry);
  }

  /** Writes not yet on chain. */
  public int pending() {
    return queue.size();
  }

  /** Writes replayed from the file when the outbox opened. */
  public int replayed() {
    return replayed;
  }

  /** One message per unusable line of the outbox file at open, naming file and line. */
  public List<String> problems() {
    return problems;
  }

  /** Whether the start-up reconciliation with the chain is done. */
  public boolean reconciled() {
    return reconciled;
  }

  /** Local records the chain holds for another gateway (found by reconciliation or a write). */
  public List<String> conflicts() {
    return List.copyOf(conflicts);
  }

  /** The outbox file. */
  public Path path() {
    return file.path();
  }

  private void run(Reconciliation reconciliation) {
    if (!reconcile(reconciliation)) {
      return;
    }
    int attempts = 0;
    while (!closed) {
      OutboxFile.Entry entry;
      try {
        entry = queue.takeFirst();
      } catch (InterruptedException e) {
        return;
      }
      // back at the head until settled, so pending() counts the write in flight
      queue.addFirst(entry);
      ChainWrite w = entry.write();
      try {
        if (writer.hasUnminedTransactions()) {
          // an earlier transaction of this account (maybe of a previous process) is still in the
          // node's pool: until it is mined the chain cannot tell whether w has landed
          LOG.infof(
              "chain %s of %s waits: this account has transactions not mined yet",
              w.op(), w.subject());
          if (!sleep()) {
            return;
          }
          continue;
        }
        ChainWriter.Result result = writer.write(w);
        // counted before it leaves the queue, so pending() == 0 implies the counts are final
        Counter.builder("bdt.chain.writes")
            .description("chain writes settled: sent, or found already on chain and not resent")
            .tag("op", w.op())
            .tag("outcome", result == ChainWriter.Result.SENT ? "sent" : "already-on-chain")
            .register(registry)
            .increment();
        settle(entry);
        attempts = 0;
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        if (closed) {
          return; // interrupted by close(), not a chain failure
        }
        boolean unreachable = isUnreachable(e);
        boolean conflict = e instanceof ChainWriter.ConflictException;
        boolean rejected =
            conflict
                || (e instanceof TransactionException t && t.getTransactionReceipt().isPresent())
                || (!unreachable && ++attempts >= MAX_FAILED_ATTEMPTS);
        count(w.op(), unreachable ? "unreachable" : rejected ? "rejected" : "failed");
        if (rejected) {
          if (conflict) {
            conflicts.add(e.getMessage());
          }
          try {
            settle(entry);
          } catch (IOException io) {
            LOG.errorf("chain outbox %s: %s", file.path(), io);
          }
          attempts = 0;
          LOG.warnf("chain %s of %s rejected, dropped: %s", w.op(), w.subject(), e.toString());
          continue;
        }
        LOG.warnf(
            "chain %s of %s failed (%s), retrying in %d ms",
            w.op(), w.subject(), e.toString(), retryMillis);
        if (!sleep()) {
          return;
        }
      }
    }
  }

  /** Queues what the chain is missing, retrying until the node answers; false when closed. */
  private boolean reconcile(Reconciliation reconciliation) {
    while (!closed) {
      try {
        List<String> found = new ArrayList<>();
        List<ChainWrite> missing = reconciliation.missing(writer, found);
        int queued = 0;
        synchronized (this) {
          List<ChainWrite> pending = queue.stream().map(OutboxFile.Entry::write).toList();
          for (ChainWrite w : missing) {
            if (!pending.contains(w)) {
              submit(w);
              queued++;
            }
          }
        }
        for (String c : found) {
          LOG.warnf("reconciliation: %s; left as it is", c);
          count("reconcile", "rejected");
        }
        conflicts.addAll(found);
        LOG.infof(
            "reconciled with the chain: %d write(s) missing on chain queued, %d conflict(s)",
            queued, found.size());
        reconciled = true;
        return true;
      } catch (Exception e) {
        count("reconcile", isUnreachable(e) ? "unreachable" : "failed");
        LOG.warnf("reconciliation with the chain failed (%s), retrying in %d ms", e, retryMillis);
        if (!sleep()) {
          return false;
        }
      }
    }
    return false;
  }

  /** Removes the settled head entry, records it in the file and compacts the file when due. */
  private synchronized void settle(OutboxFile.Entry entry) throws IOException {
    queue.pollFirst();
    file.done(entry.seq());
    if (file.lines() >= queue.size() + COMPACT_AFTER_LINES) {
      file.rewrite(List.copyOf(queue));
    }
  }

  private boolean sleep() {
    try {
      TimeUnit.MILLISECONDS.sleep(retryMillis);
      return true;
    } catch (InterruptedException e) {
      return false;
    }
  }

  /** Whether {@code e} says the node could not be reached (retried forever, not dropped). */
  private static boolean isUnreachable(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof IOException) {
        return true;
      }
    }
    return false;
  }

  private void count(String op, String kind) {
    Counter.builder("bdt.chain.errors")
        .description(
            "chain writes that failed (retried when unreachable, dropped when rejected), unusable"
                + " outbox lines (op=outbox, kind=corrupt) and failed reconciliations")
        .tag("op", op)
        .tag("kind", kind)
        .register(registry)
        .increment();
  }

  @Override
  public void close() {
    closed = true;
    Thread w;
    synchronized (this) {
      w = worker;
    }
    if (w != null) {
      w.interrupt();
      try {
        w.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      file.close();
    } catch (IOException e) {
      LOG.warnf("closing the chain outbox %s: %s", file.path(), e);
    }
  }
}
