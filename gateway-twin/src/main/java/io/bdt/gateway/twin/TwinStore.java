package io.bdt.gateway.twin;

import com.fasterxml.jackson.databind.JsonNode;
import io.bdt.gateway.storage.StorageFault;
import io.bdt.gateway.storage.StorageUnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The gateway's twins on disk: every accepted {@link TwinEvent} is appended to a write-ahead {@link
 * TwinJournal} and recorded in the {@link TwinTables} (state, retained history, indexes);
 * checkpoints make the tables durable and delete the journal before them, so memory, replay time
 * and disk stay bounded however many events arrive.
 *
 * <p>{@link #apply(String, TwinUpdate, boolean)} with {@code durable = true} (REST writes) returns
 * only after its journal record is forced to disk; telemetry updates are forced by a background
 * flush every {@code syncIntervalMillis}, or at once when someone {@linkplain #whenDurable waits}
 * for them (group commit: one fsync for everything accepted meanwhile). On open, the tables come
 * back as of their last checkpoint and the journal after it is replayed; replay stops at the first
 * short or corrupt record of a segment and truncates it there, so a crash mid-write loses at most
 * that record.
 *
 * <p>{@link #whenDurable(Runnable)} runs an action once everything accepted so far is on disk: the
 * MQTT side acknowledges a QoS 1 message only then, so a crash loses no acknowledged telemetry.
 *
 * <p>A write or fsync of the journal that fails (a full disk, an I/O error) puts the store in a
 * {@linkplain #fault() fault}: every write after it is refused with {@link
 * StorageUnavailableException}, the updates accepted before it stay in memory (their {@code
 * whenDurable} actions wait), and the background flush writes them again every interval; the first
 * flush that succeeds ends the fault. A checkpoint that fails leaves the state tables closed (reads
 * and writes are refused) until {@link TwinCheckpoints} reopens them once the disk has room. A
 * checkpoint is put off while the disk has less free room than the journal it would fold in plus
 * {@link TwinCheckpoints#HEADROOM}.
 */
public final class TwinStore implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(TwinStore.class);

  private final Path dir;
  private final Clock clock;
  private final TwinStoreOptions options;
  private volatile TwinTables tables; // replaced (under this lock) only by reopenTables
  private final TwinJournal journal;
  private final TwinCheckpoints checkpoints;
  private final TwinListeners listeners = new TwinListeners();
  private final ScheduledExecutorService background;
  private final DurableWaiters waiting = new DurableWaiters(); // guarded by this
  private final AtomicBoolean flushQueued = new AtomicBoolean();

  private boolean closed;
  private volatile StorageFault fault;
  private long diskFailures; // guarded by this

  private TwinStore(Path dir, Clock clock, TwinStoreOptions options, TwinJournal.Fsync fsync)
      throws IOException {
    Files.createDirectories(dir);
    this.dir = dir;
    this.clock = clock;
    this.options = options;
    this.tables = TwinTables.open(dir.resolve("twins.mv.db"), options);
    try {
      this.journal = TwinJournal.open(dir, tables.replayFrom(), tables::replay, fsync);
    } catch (IOException | RuntimeException e) {
      tables.close();
      throw e;
    }
    this.checkpoints = new TwinCheckpoints(this, dir, clock, options);
    this.background =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "twin-journal-flush");
              t.setDaemon(true);
              return t;
            });
    long interval = options.syncIntervalMillis();
    background.scheduleWithFixedDelay(
        this::backgroundWork, interval, interval, TimeUnit.MILLISECONDS);
  }

  /**
   * Opens (or creates) the store in {@code dir} with the default bounds, replaying its journal.
   *
   * @param syncIntervalMillis how often buffered, non-durable updates are forced to disk
   */
  public static TwinStore open(Path dir, Clock clock, long syncIntervalMillis) throws IOException {
    return open(dir, clock, TwinStoreOptions.defaults(syncIntervalMillis));
  }

  /** Opens (or creates) the store in {@code dir}, replaying its journal since the checkpoint. */
  public static TwinStore open(Path dir, Clock clock, TwinStoreOptions options) throws IOException {
    return new TwinStore(dir, clock, options, TwinJournal.Fsync.DATA);
  }

  /**
   * Opens the store with the journal forced through {@code fsync}: for tests that fail an fsync,
   * which no file system on this machine does on demand (no device-mapper here).
   */
  static TwinStore open(Path dir, Clock clock, TwinStoreOptions options, TwinJournal.Fsync fsync)
      throws IOException {
    return new TwinStore(dir, clock, options, fsync);
  }

  /**
   * Adds a listener called (on the writer's thread) after each accepted event, in the order the
   * events were recorded: a writer waits for the listeners of every earlier event to return, so
   * listeners see a twin's revisions in order even when REST and MQTT write it at once. A listener
   * must not write to the store (it would wait for itself).
   */
  public void subscribe(Consumer<TwinEvent> listener) {
    listeners.add(listener);
  }

  /** The twin now, if it exists. */
  public Optional<Twin> get(String thingId) {
    return tables.twin(thingId, false);
  }

  /** Every twin now, in thing-id order. Decodes them all: for large stores use {@link #scan}. */
  public Collection<Twin> all() {
    List<Twin> out = new ArrayList<>();
    scan(null).forEachRemaining(out::add);
    return out;
  }

  /**
   * The twins in thing-id order from {@code fromId} (inclusive; null: from the first), decoded
   * lazily.
   */
  public Iterator<Twin> scan(String fromId) {
    return tables.scan(fromId);
  }

  /** Whether search can look {@code path} up in an equality index. */
  public boolean indexed(String path) {
    return tables.indexed(path);
  }

  /** Ids (ascending, after {@code afterId}) of twins whose indexed {@code path} equals value. */
  public Iterator<String> idsWhere(String path, JsonNode value, String afterId) {
    return tables.idsWhere(path, value, afterId);
  }

  /** Number of twins. */
  public long size() {
    return tables.size();
  }

  /**
   * Applies {@code update} to the twin {@code thingId} atomically: validates, journals, then makes
   * it visible. An invalid update throws {@link InvalidTwinException} and changes nothing.
   *
   * @param durable wait until the journal record is on disk before returning
   * @return the event that was recorded
   */
  public TwinEvent apply(String thingId, TwinUpdate update, boolean durable) {
    TwinEvent event;
    long end;
    long ticket;
    synchronized (this) {
      requireWritable();
      try {
        Twin current = tables.twin(thingId, true).orElse(null);
        Twin next = TwinRules.apply(current, thingId, update, clock.instant());
        event =
            current == null
                ? new TwinEvent.Created(next)
                : new TwinEvent.Modified(next, cause(update));
        end = record(event, current);
      } catch (RuntimeException e) {
        throw checkpoints.tablesFailed(e);
      }
      ticket = listeners.ticket();
    }
    syncAndPublish(ticket, event, end, durable);
    return event;
  }

  /** Deletes a twin durably; returns the event, or empty if there was no such twin. */
  public Optional<TwinEvent> delete(String thingId) {
    TwinEvent event;
    long end;
    long ticket;
    synchronized (this) {
      requireWritable();
      try {
        Twin current = tables.twin(thingId, true).orElse(null);
        if (current == null) {
          return Optional.empty();
        }
        event = new TwinEvent.Deleted(thingId, current.revision() + 1, clock.instant());
        end = record(event, current);
      } catch (RuntimeException e) {
        throw checkpoints.tablesFailed(e);
      }
      ticket = listeners.ticket();
    }
    syncAndPublish(ticket, event, end, true);
    return Optional.of(event);
  }

  /**
   * Waits until the journal is on disk to {@code end} when {@code durable}, then passes {@code
   * event} to the listeners in its {@code ticket}'s turn; a write whose sync failed still takes its
   * turn (with no event), or every later writer would wait for it.
   */
  private void syncAndPublish(long ticket, TwinEvent event, long end, boolean durable) {
    boolean synced = false;
    try {
      if (durable) {
        syncTo(end);
      }
      synced = true;
    } finally {
      listeners.publish(ticket, synced ? event : null);
    }
  }

  /** Journals and records one event; caller holds the lock. Returns the journal's end. */
  private long record(TwinEvent event, Twin before) {
    TwinCodec.Encoded encoded = TwinCodec.encode(event);
    long seq = journal.append(encoded.event());
    tables.record(event, encoded, seq, before);
    return journal.written();
  }

  private static String cause(TwinUpdate update) {
    return switch (update) {
      case TwinUpdate.Replace r -> "put";
      case TwinUpdate.MergePatch p -> "patch";
      case TwinUpdate.ReportProperties r -> "report:" + r.featureId();
    };
  }

  /**
   * The twin's retained events with {@code from <= at <= to}, oldest first, at most {@code limit}
   * (the oldest ones).
   */
  public List<TwinEvent> history(String thingId, Instant from, Instant to, int limit) {
    return tables.events(thingId, from.toEpochMilli(), to.toEpochMilli(), Math.max(limit, 0));
  }

  /**
   * Forces everything written so far; returns once {@code end} is on disk, or throws {@link
   * StorageUnavailableException} when the journal cannot be written or forced (the store is then in
   * a fault, and what was accepted stays buffered for the next attempt).
   */
  private void syncTo(long end) {
    boolean behind;
    synchronized (this) {
      behind = journal.forced() < end && !closed;
    }
    if (behind) {
      try {
        journal.force(); // not under this lock: writers append meanwhile, they never wait for it
      } catch (IOException e) {
        synchronized (this) {
          throw new StorageUnavailableException(failed(operation(e), e, false));
        }
      }
    }
    synchronized (this) {
      StorageFault was = fault;
      if (was != null && !was.reopenNeeded() && journal.forced() == journal.written()) {
        fault = null;
        LOG.warnf(
            "twin journal %s takes writes again after %s; accepting updates",
            journal.current(), was.describe());
      }
      releaseDurableWaiters();
    }
    waiting.runReleased();
  }

  /** What failed in {@code e}: the journal's fsync or a write. */
  static String operation(IOException e) {
    return e instanceof TwinJournal.FsyncFailed ? "fsync" : "write";
  }

  /** Enters (or stays in) a fault after {@code error}; caller holds the lock. */
  StorageFault failed(String operation, Throwable error, boolean reopenNeeded) {
    diskFailures++;
    StorageFault was = fault;
    if (was != null && (was.reopenNeeded() || !reopenNeeded)) {
      return was;
    }
    Throwable cause = error instanceof TwinJournal.FsyncFailed f ? f.getCause() : error;
    fault = StorageFault.of("twins", operation, cause, clock.instant(), reopenNeeded);
    LOG.errorf(
        error,
        "twin store %s: %s; %d accepted updates wait in memory",
        dir,
        fault.describe(),
        waiting.size());
    return fault;
  }

  /** Why writes are refused now, if they are. */
  public Optional<StorageFault> fault() {
    return Optional.ofNullable(fault);
  }

  /** Failed journal writes, fsyncs and checkpoints since open (retries included). */
  public synchronized long diskFailures() {
    return diskFailures;
  }

  /** Checkpoints put off since open because the disk had too little room. */
  public synchronized long checkpointsPutOff() {
    return checkpoints.putOff();
  }

  /** Times the tables were reopened after a failed checkpoint, since open. */
  public synchronized long tableRecoveries() {
    return checkpoints.recoveries();
  }

  /**
   * Runs {@code action} once every update accepted before this call is on disk, and after every
   * action passed here before it: at once (on this thread) if it already is and no earlier action
   * is still running, else on the thread that next forces the journal (the background flush within
   * {@code syncIntervalMillis}, or a durable write) or that runs the earlier actions. Actions must
   * be quick and must not write to this store.
   */
  public void whenDurable(Runnable action) {
    synchronized (this) {
      if (!closed && journal.forced() < journal.written()) {
        waiting.add(journal.written(), action);
        if (fault == null) {
          flushSoon();
        }
        return;
      }
      waiting.releaseNow(action); // behind actions released but not yet run: PUBACKs keep order
    }
    waiting.runReleased();
  }

  /**
   * Has the flush thread force the journal now rather than at its next interval, once: waiters that
   * arrive while it forces are served by the force after (group commit), so an acknowledgement
   * waits about one fsync, not up to {@code syncIntervalMillis}. The broker's window of
   * unacknowledged QoS 1 messages per subscriber (50 in HiveMQ CE) divided by that wait bounds the
   * ingest rate.
   */
  private void flushSoon() {
    if (flushQueued.compareAndSet(false, true)) {
      try {
        background.execute(
            () -> {
              flushQueued.set(false);
              try {
                sync();
              } catch (RuntimeException e) {
                // in a fault now: the interval flush retries
              }
            });
      } catch (RejectedExecutionException closing) {
        flushQueued.set(false); // close() forces what is left
      }
    }
  }

  /** Releases the waiters whose updates are on disk, to run in order; caller holds the lock. */
  private void releaseDurableWaiters() {
    waiting.release(journal.forced(), closed);
  }

  /** Forces every accepted update to disk. */
  public void sync() {
    long end;
    synchronized (this) {
      end = journal.written();
    }
    syncTo(end);
  }

  /**
   * Makes the tables durable up to now and deletes the journal segments they contain ({@link
   * TwinCheckpoints#checkpoint()}); throws {@link StorageUnavailableException} when the disk
   * refuses it.
   */
  public void checkpoint() {
    checkpoints.checkpoint();
  }

  private void backgroundWork() {
    try {
      sync();
      synchronized (this) {
        checkpoints.noticeTableFailure();
      }
      checkpoints.backgroundWork();
    } catch (RuntimeException e) {
      // the next interval retries; a failing disk also fails the next durable write loudly
    }
  }

  TwinJournal journal() {
    return journal;
  }

  TwinTables tables() {
    return tables;
  }

  /** Whether a failed checkpoint closed the tables (they wait to be reopened). */
  synchronized boolean tablesLost() {
    return !closed && fault != null && fault.reopenNeeded();
  }

  /** Whether writes are taken now; caller holds the lock. */
  boolean takesWrites() {
    return !closed && fault == null;
  }

  /** Takes the reopened tables in and ends the fault; caller holds the lock. */
  void tablesReopened(TwinTables reopened) {
    tables = reopened;
    StorageFault was = fault;
    fault = null;
    LOG.warnf("twin store %s: tables reopened, journal replayed after %s", dir, was);
  }

  void requireOpen() {
    if (closed) {
      throw new IllegalStateException("twin store in " + dir + " is closed");
    }
  }

  /** Refuses a write while closed or in a fault; caller holds the lock. */
  private void requireWritable() {
    requireOpen();
    checkpoints.noticeTableFailure();
    StorageFault f = fault;
    if (f != null) {
      throw new StorageUnavailableException(f);
    }
  }

  /** Bytes appended to the journal since open (written, including buffered). */
  public synchronized long journalBytes() {
    return journal.written();
  }

  /** Sizes and counters of the store now (for metrics and benchmarks). */
  public synchronized TwinStats stats() {
    return new TwinStats(
        tables.size(),
        tables.historySize(),
        tables.historyTrimmed(),
        checkpoints.count(),
        journal.segmentBytes(),
        tables.fileBytes());
  }

  @Override
  public void close() throws IOException {
    // Not shutdownNow(): interrupting a flush in FileChannel.force closes the channel
    // (ClosedByInterruptException), and the final flush below would then fail.
    background.shutdown();
    try {
      if (!background.awaitTermination(60, TimeUnit.SECONDS)) {
        throw new IOException("twin journal flusher did not stop within 60 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while stopping the twin journal flusher", e);
    }
    synchronized (checkpoints.lock()) {
      synchronized (this) {
        if (closed) {
          return;
        }
        try {
          journal.close();
        } catch (IOException e) {
          waiting.clear(); // not durable: their messages are not acknowledged
          throw e;
        } finally {
          closed = true;
          tables.close();
        }
        releaseDurableWaiters();
      }
    }
    waiting.runReleased();
  }
}
