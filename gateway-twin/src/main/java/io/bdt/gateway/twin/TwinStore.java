package io.bdt.gateway.twin;

import com.fasterxml.jackson.databind.JsonNode;
import io.bdt.gateway.storage.StorageFault;
import io.bdt.gateway.storage.StorageUnavailableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
 * flush every {@code syncIntervalMillis} (group commit). On open, the tables come back as of their
 * last checkpoint and the journal after it is replayed; replay stops at the first short or corrupt
 * record of a segment and truncates it there, so a crash mid-write loses at most that record.
 *
 * <p>{@link #whenDurable(Runnable)} runs an action once everything accepted so far is on disk: the
 * MQTT side acknowledges a QoS 1 message only then, so a crash loses no acknowledged telemetry.
 *
 * <p>A write or fsync of the journal that fails (a full disk, an I/O error) puts the store in a
 * {@linkplain #fault() fault}: every write after it is refused with {@link
 * StorageUnavailableException}, the updates accepted before it stay in memory (their {@code
 * whenDurable} actions wait), and the background flush writes them again every interval; the first
 * flush that succeeds ends the fault. A checkpoint that fails leaves the state tables closed: that
 * fault lasts until the store is opened again. A checkpoint is put off while the disk has less free
 * room than the journal it would fold in plus {@link #CHECKPOINT_HEADROOM}.
 */
public final class TwinStore implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(TwinStore.class);

  /** Free bytes a checkpoint leaves beside the journal it folds in, else it waits. */
  static final long CHECKPOINT_HEADROOM = 16L << 20;

  private final Path dir;
  private final Clock clock;
  private final TwinStoreOptions options;
  private final TwinTables tables;
  private final TwinJournal journal;
  private final List<Consumer<TwinEvent>> listeners = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService background;
  private final Object checkpointing = new Object();
  private final ArrayDeque<Waiter> waiting = new ArrayDeque<>(); // guarded by this

  /** An action to run once the journal is forced up to {@code end}. */
  private record Waiter(long end, Runnable action) {}

  private final Object publishing = new Object();
  private long nextTicket; // guarded by this: the order events were recorded in
  private long publishedTicket; // guarded by publishing: events before it went to the listeners
  private long checkpoints;
  private long lastSweepNanos;
  private boolean closed;
  private volatile StorageFault fault;
  private long diskFailures; // guarded by this
  private long checkpointsPutOff; // guarded by this

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
    this.lastSweepNanos = System.nanoTime();
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
      Twin current = tables.twin(thingId, true).orElse(null);
      Twin next = TwinRules.apply(current, thingId, update, clock.instant());
      event =
          current == null
              ? new TwinEvent.Created(next)
              : new TwinEvent.Modified(next, cause(update));
      end = record(event, current);
      ticket = nextTicket++;
    }
    boolean synced = false;
    try {
      if (durable) {
        syncTo(end);
      }
      synced = true;
    } finally {
      publish(ticket, synced ? event : null);
    }
    return event;
  }

  /** Deletes a twin durably; returns the event, or empty if there was no such twin. */
  public Optional<TwinEvent> delete(String thingId) {
    TwinEvent event;
    long end;
    long ticket;
    synchronized (this) {
      requireWritable();
      Twin current = tables.twin(thingId, true).orElse(null);
      if (current == null) {
        return Optional.empty();
      }
      event = new TwinEvent.Deleted(thingId, current.revision() + 1, clock.instant());
      end = record(event, current);
      ticket = nextTicket++;
    }
    boolean synced = false;
    try {
      syncTo(end);
      synced = true;
    } finally {
      publish(ticket, synced ? event : null);
    }
    return Optional.of(event);
  }

  /**
   * Passes the event of {@code ticket} to the listeners once every earlier ticket's have returned
   * (null: a write that failed after recording, whose turn only passes on).
   */
  private void publish(long ticket, TwinEvent event) {
    boolean interrupted = false;
    synchronized (publishing) {
      while (publishedTicket != ticket) {
        try {
          publishing.wait();
        } catch (InterruptedException e) {
          interrupted = true; // the turn must still be taken, or every later writer waits forever
        }
      }
    }
    try {
      if (event != null) {
        listeners.forEach(l -> l.accept(event));
      }
    } finally {
      synchronized (publishing) {
        publishedTicket++;
        publishing.notifyAll();
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Journals and records one event; caller holds the lock. Returns the journal's end. */
  private long record(TwinEvent event, Twin before) {
    byte[] json = TwinCodec.toBytes(event);
    long seq = journal.append(json);
    tables.record(event, json, seq, before);
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
    List<TwinEvent> events = new ArrayList<>();
    for (byte[] json :
        tables.history(thingId, from.toEpochMilli(), to.toEpochMilli(), Math.max(limit, 0))) {
      try {
        events.add(TwinCodec.eventFromBytes(json));
      } catch (IOException e) {
        throw new UncheckedIOException("a stored history entry of " + thingId + " is corrupt", e);
      }
    }
    return events;
  }

  /**
   * Forces everything written so far; returns once {@code end} is on disk, or throws {@link
   * StorageUnavailableException} when the journal cannot be written or forced (the store is then in
   * a fault, and what was accepted stays buffered for the next attempt).
   */
  private void syncTo(long end) {
    List<Runnable> ready;
    synchronized (this) {
      if (journal.forced() < end && !closed) {
        try {
          journal.force();
        } catch (IOException e) {
          throw new StorageUnavailableException(
              failed(e instanceof TwinJournal.FsyncFailed ? "fsync" : "write", e, false));
        }
      }
      StorageFault was = fault;
      if (was != null && !was.restartNeeded() && journal.forced() == journal.written()) {
        fault = null;
        LOG.warnf(
            "twin journal %s takes writes again after %s; accepting updates",
            journal.current(), was.describe());
      }
      ready = durableWaiters();
    }
    run(ready);
  }

  /** Enters (or stays in) a fault after {@code error}; caller holds the lock. */
  private StorageFault failed(String operation, Throwable error, boolean restartNeeded) {
    diskFailures++;
    StorageFault was = fault;
    if (was != null && (was.restartNeeded() || !restartNeeded)) {
      return was;
    }
    Throwable cause = error instanceof TwinJournal.FsyncFailed f ? f.getCause() : error;
    fault = StorageFault.of("twins", operation, cause, clock.instant(), restartNeeded);
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
    return checkpointsPutOff;
  }

  /**
   * Runs {@code action} once every update accepted before this call is on disk: at once (on this
   * thread) if it already is, else on the thread that next forces the journal (the background flush
   * within {@code syncIntervalMillis}, or a durable write). Actions must be quick and must not
   * write to this store.
   */
  public void whenDurable(Runnable action) {
    synchronized (this) {
      if (!closed && journal.forced() < journal.written()) {
        waiting.addLast(new Waiter(journal.written(), action));
        return;
      }
    }
    run(List.of(action));
  }

  /** Removes and returns the waiters whose updates are on disk; caller holds the lock. */
  private List<Runnable> durableWaiters() {
    if (waiting.isEmpty()) {
      return List.of();
    }
    List<Runnable> ready = new ArrayList<>();
    long forced = journal.forced();
    while (!waiting.isEmpty() && (closed || waiting.peekFirst().end() <= forced)) {
      ready.add(waiting.pollFirst().action());
    }
    return ready;
  }

  private static void run(List<Runnable> actions) {
    for (Runnable action : actions) {
      try {
        action.run();
      } catch (RuntimeException e) {
        // one failing action must not keep the others (acknowledgements) from running
      }
    }
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
   * Makes the tables durable up to now and deletes the journal segments they contain: rotates the
   * journal (under the lock, briefly), then commits the tables (concurrently with new writes, which
   * only go to the new segment and are replayed again harmlessly after a crash), then deletes the
   * older segments and compacts the file.
   */
  public void checkpoint() {
    synchronized (checkpointing) {
      long next;
      synchronized (this) {
        requireOpen();
        try {
          next = journal.rotate();
        } catch (IOException e) {
          throw new StorageUnavailableException(
              failed(e instanceof TwinJournal.FsyncFailed ? "fsync" : "write", e, false));
        }
      }
      try {
        tables.checkpoint(next);
      } catch (RuntimeException e) {
        synchronized (this) {
          throw new StorageUnavailableException(failed("checkpoint", e, true));
        }
      }
      synchronized (this) {
        try {
          journal.deleteBelow(next);
        } catch (IOException e) {
          throw new UncheckedIOException("deleting checkpointed journal segments in " + dir, e);
        }
        checkpoints++;
      }
    }
  }

  private void backgroundWork() {
    try {
      sync();
      boolean due;
      long need;
      synchronized (this) {
        due = !closed && fault == null && journal.segmentBytes() >= options.checkpointBytes();
        need = journal.segmentBytes() + CHECKPOINT_HEADROOM;
      }
      if (due && roomFor(need)) {
        checkpoint();
      }
      long sweepEvery = Math.max(60_000, options.historyMaxAge().toMillis() / 10);
      if (System.nanoTime() - lastSweepNanos >= sweepEvery * 1_000_000) {
        lastSweepNanos = System.nanoTime();
        tables.sweepHistory(clock.millis());
      }
    } catch (RuntimeException e) {
      // the next interval retries; a failing disk also fails the next durable write loudly
    }
  }

  /**
   * Whether the disk has {@code need} free bytes; when not, the checkpoint is put off (counted and
   * logged once per shortage) rather than risk a full disk in the middle of it.
   */
  private boolean roomFor(long need) {
    long usable;
    try {
      usable = Files.getFileStore(dir).getUsableSpace();
    } catch (IOException e) {
      return true; // unknown: try, a failure is handled as any other
    }
    synchronized (this) {
      if (usable >= need) {
        return true;
      }
      if (checkpointsPutOff++ == 0 || checkpointsPutOff % 1000 == 0) {
        LOG.warnf(
            "twin store %s: checkpoint put off (%d put off so far): %d bytes free, %d needed",
            dir, checkpointsPutOff, usable, need);
      }
      return false;
    }
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("twin store in " + dir + " is closed");
    }
  }

  /** Refuses a write while closed or in a fault; caller holds the lock. */
  private void requireWritable() {
    requireOpen();
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
  public synchronized Stats stats() {
    return new Stats(
        tables.size(),
        tables.historySize(),
        tables.historyTrimmed(),
        checkpoints,
        journal.segmentBytes(),
        tables.fileBytes());
  }

  /**
   * @param twins twins now
   * @param historyEntries history entries retained
   * @param historyTrimmed history entries removed by retention since open
   * @param checkpoints checkpoints since open
   * @param journalBytes bytes in the journal since the last checkpoint
   * @param tableBytes bytes of the checkpointed tables' file
   */
  public record Stats(
      long twins,
      long historyEntries,
      long historyTrimmed,
      long checkpoints,
      long journalBytes,
      long tableBytes) {}

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
    List<Runnable> ready;
    synchronized (checkpointing) {
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
        ready = durableWaiters();
      }
    }
    run(ready);
  }
}
