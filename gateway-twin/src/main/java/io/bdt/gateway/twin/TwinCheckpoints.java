package io.bdt.gateway.twin;

import io.bdt.gateway.storage.StorageUnavailableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.jboss.logging.Logger;

/**
 * Folds a {@link TwinStore}'s journal into its tables: a checkpoint when the journal since the last
 * one has grown past {@code checkpointBytes} and the disk has room for it, the history sweep, and
 * the tables reopened (from their last checkpoint, with the journal replayed) once a checkpoint
 * that failed mid-way has room again. Runs on the store's background thread, and {@link
 * #checkpoint()} on any thread.
 *
 * <p>A checkpoint commits the tables (H2 MVStore) while the journal segments it folds in are kept;
 * only then are they deleted. When the commit fails (a full disk: MVStore closes its file at the
 * first failed write), nothing acknowledged is lost: every acknowledged update is in a journal
 * segment that is still there. The store refuses writes meanwhile; once the disk has room again,
 * {@link #recover()} reopens the tables as of their last good checkpoint and replays those
 * segments.
 */
final class TwinCheckpoints {

  private static final Logger LOG = Logger.getLogger(TwinCheckpoints.class);

  /** Free bytes a checkpoint leaves beside the journal it folds in, else it waits. */
  static final long HEADROOM = 16L << 20;

  private final TwinStore store;
  private final Path dir;
  private final Clock clock;
  private final TwinStoreOptions options;
  private final Object checkpointing = new Object();
  private long checkpoints; // guarded by store
  private long putOff; // guarded by store
  private long recoveries; // guarded by store
  private long lastSweepNanos = System.nanoTime();

  TwinCheckpoints(TwinStore store, Path dir, Clock clock, TwinStoreOptions options) {
    this.store = store;
    this.dir = dir;
    this.clock = clock;
    this.options = options;
  }

  /** The lock a checkpoint holds from its rotation to its end (close takes it too). */
  Object lock() {
    return checkpointing;
  }

  /**
   * Makes the tables durable up to now and deletes the journal segments they contain: rotates the
   * journal (under the store's lock, briefly), then commits the tables (concurrently with new
   * writes, which only go to the new segment and are replayed again harmlessly after a crash), then
   * deletes the older segments and compacts the file. Throws {@link StorageUnavailableException}
   * when the disk refuses it.
   */
  void checkpoint() {
    synchronized (checkpointing) {
      long next;
      synchronized (store) {
        store.requireOpen();
        try {
          next = store.journal().rotate();
        } catch (IOException e) {
          throw new StorageUnavailableException(store.failed(TwinStore.operation(e), e, false));
        }
      }
      try {
        store.tables().checkpoint(next);
      } catch (RuntimeException e) {
        synchronized (store) {
          throw new StorageUnavailableException(store.failed("checkpoint", e, true));
        }
      }
      synchronized (store) {
        try {
          store.journal().deleteBelow(next);
        } catch (IOException e) {
          throw new UncheckedIOException("deleting checkpointed journal segments in " + dir, e);
        }
        checkpoints++;
      }
    }
  }

  /**
   * The background's share: the tables reopened after a failed checkpoint once there is room, a
   * checkpoint when one is due and there is room, and the history sweep when it is due.
   */
  void backgroundWork() {
    if (store.tablesLost()) {
      recover();
      return;
    }
    boolean due;
    long need;
    synchronized (store) {
      due = store.takesWrites() && store.journal().segmentBytes() >= options.checkpointBytes();
      need = store.journal().segmentBytes() + HEADROOM;
    }
    if (due && roomFor(need)) {
      checkpoint();
    }
    long sweepEvery = Math.max(60_000, options.historyMaxAge().toMillis() / 10);
    if (System.nanoTime() - lastSweepNanos >= sweepEvery * 1_000_000) {
      lastSweepNanos = System.nanoTime();
      store.tables().sweepHistory(clock.millis());
    }
  }

  /**
   * Reopens the tables after a failed checkpoint, when the disk has room for the journal again:
   * forces the journal, opens the table file as of its last good checkpoint (MVStore ignores the
   * chunk it could not finish) and replays every journal segment from there. Holds the checkpoint
   * lock and the store's lock throughout, so no write or checkpoint runs meanwhile.
   */
  void recover() {
    synchronized (checkpointing) {
      synchronized (store) {
        if (!store.tablesLost() || !roomFor(store.journal().segmentBytes() + HEADROOM)) {
          return;
        }
        try {
          store.journal().force();
          store.tables().close();
          TwinTables reopened = TwinTables.open(dir.resolve("twins.mv.db"), options);
          try {
            TwinJournal.replay(dir, reopened.replayFrom(), reopened::replay);
          } catch (IOException | RuntimeException e) {
            reopened.close();
            throw e;
          }
          store.tablesReopened(reopened);
        } catch (IOException | RuntimeException e) {
          LOG.warnf(
              "twin store %s: reopening the tables after the failed checkpoint failed (%s);"
                  + " retried at the next interval",
              dir, e.toString());
          return;
        }
        recoveries++;
      }
    }
  }

  /**
   * {@code e} as thrown by the tables: the table file failing (MVStore wrote a chunk of its own and
   * the disk refused it, closing the file) puts the store in a fault that reopens the tables, and
   * is refused like any disk fault (an update it stopped may be in the journal: it is replayed, and
   * redelivered, at most doubled); anything else is returned as it is. Caller holds the store's
   * lock.
   */
  RuntimeException tablesFailed(RuntimeException e) {
    return TwinTables.isFileFailure(e)
        ? new StorageUnavailableException(store.failed("commit", e, true))
        : e;
  }

  /** Notices a commit of the tables' own thread that closed their file; caller holds the lock. */
  void noticeTableFailure() {
    RuntimeException lost = store.takesWrites() ? store.tables().commitFailure() : null;
    if (lost != null) {
      store.failed("commit", lost, true);
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
    synchronized (store) {
      if (usable >= need) {
        return true;
      }
      if (putOff++ == 0 || putOff % 1000 == 0) {
        LOG.warnf(
            "twin store %s: checkpoint put off (%d put off so far): %d bytes free, %d needed",
            dir, putOff, usable, need);
      }
      return false;
    }
  }

  /** Checkpoints since open; caller holds the store's lock. */
  long count() {
    return checkpoints;
  }

  /** Checkpoints put off for lack of room since open; caller holds the store's lock. */
  long putOff() {
    return putOff;
  }

  /** Times the tables were reopened after a failed checkpoint; caller holds the store's lock. */
  long recoveries() {
    return recoveries;
  }
}
