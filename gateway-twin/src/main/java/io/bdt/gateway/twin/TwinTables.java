package io.bdt.gateway.twin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;

/**
 * The twin store's checkpointed state in one H2 MVStore file ({@code twins.mv.db}): the twins now
 * (thing id -> twin JSON), their retained history ({@link TwinHistory}: an append-ordered log and a
 * per-twin index), the equality indexes ({@code path NUL value NUL thingId}) and, in {@code meta},
 * the journal segment replay starts from and the history's layout. Pages live on disk behind a
 * bounded cache; changes since the last {@link #checkpoint} are in memory and also in the journal,
 * so {@link #record} must be idempotent (a replayed record writes the same keys).
 */
final class TwinTables implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String REPLAY_FROM = "replayFrom";

  private final MVStore mv;
  private final MVMap<String, byte[]> twins;
  private final TwinHistory history;
  private final MVMap<String, Boolean> index;
  private final MVMap<String, Long> meta;
  private final TwinStoreOptions options;
  private final Map<String, Twin> cache;
  private final ExecutorService committer =
      Executors.newSingleThreadExecutor(
          r -> Thread.ofPlatform().daemon().name("twin-tables-commit").unstarted(r));
  private final AtomicBoolean commitQueued = new AtomicBoolean();
  private volatile RuntimeException commitFailure;

  private TwinTables(MVStore mv, TwinStoreOptions options, Path file) {
    this.mv = mv;
    this.options = options;
    this.twins = mv.openMap("twins");
    this.index = mv.openMap("index");
    this.meta = mv.openMap("meta");
    this.history = TwinHistory.open(mv, meta, options, file);
    int capacity = options.cachedTwins();
    this.cache =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Twin> eldest) {
            return size() > capacity;
          }
        };
  }

  /**
   * Opens (or creates) the tables in {@code file}, migrating an older history layout ({@link
   * TwinHistory}); throws {@link IllegalStateException} for a layout this code does not read.
   */
  static TwinTables open(Path file, TwinStoreOptions options) {
    MVStore mv =
        new MVStore.Builder()
            .fileName(file.toString())
            .autoCommitDisabled()
            .compress()
            .cacheSize(options.cacheMegabytes())
            .open();
    try {
      return new TwinTables(mv, options, file);
    } catch (RuntimeException e) {
      mv.closeImmediately();
      throw e;
    }
  }

  /** The first journal segment not yet contained in the checkpointed tables. */
  long replayFrom() {
    return meta.getOrDefault(REPLAY_FROM, 0L);
  }

  /**
   * The twin now, decoded (from the cache when it is there).
   *
   * @param remember cache it if it was not: only under the store's write lock, so that a reader
   *     racing a writer can never put an older twin in the cache
   */
  Optional<Twin> twin(String thingId, boolean remember) {
    synchronized (cache) {
      Twin hot = cache.get(thingId);
      if (hot != null) {
        return Optional.of(hot);
      }
    }
    byte[] bytes = twins.get(thingId);
    if (bytes == null) {
      return Optional.empty();
    }
    Twin twin = decode(bytes);
    if (remember) {
      remember(thingId, twin);
    }
    return Optional.of(twin);
  }

  private void remember(String thingId, Twin twin) {
    if (options.cachedTwins() > 0) {
      synchronized (cache) {
        cache.put(thingId, twin);
      }
    }
  }

  static Twin decode(byte[] bytes) {
    try {
      return TwinCodec.twinFromJson(JSON.readTree(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException("a stored twin does not decode", e);
    }
  }

  /**
   * Records one accepted event (its journal sequence number {@code seq} and its JSON, serialized
   * once: {@code encoded}): the twin's state, its index entries, a history entry, and the history
   * retention of that twin (ages measured from the event's instant). Idempotent: replayed, it
   * writes the same keys.
   *
   * @param before the twin before the event (null if none)
   */
  void record(TwinEvent event, TwinCodec.Encoded encoded, long seq, Twin before) {
    String id = event.thingId();
    Twin after =
        switch (event) {
          case TwinEvent.Created c -> c.twin();
          case TwinEvent.Modified m -> m.twin();
          case TwinEvent.Deleted d -> null;
        };
    if (after == null) {
      twins.remove(id);
      synchronized (cache) {
        cache.remove(id);
      }
    } else {
      twins.put(id, encoded.twin());
      remember(id, after);
    }
    reindex(id, before, after);
    history.record(id, event.at().toEpochMilli(), seq, encoded.event());
    commitAhead();
  }

  /**
   * Has the commit thread write the changes so far to the file once they pass half of MVStore's own
   * threshold: past that threshold MVStore writes a chunk inline, on the writer's thread (the MQTT
   * callback, under the store's lock), even with auto-commit off; under a 10,000-device load that
   * was about half of the ingest thread's time (JFR, docs/benchmarks.md). A commit between
   * checkpoints is harmless: replay writes the same keys again.
   */
  private void commitAhead() {
    if (mv.getUnsavedMemory() > mv.getAutoCommitMemory() / 2
        && commitQueued.compareAndSet(false, true)) {
      try {
        committer.execute(
            () -> {
              try {
                if (!mv.isClosed()) {
                  mv.tryCommit();
                }
              } catch (RuntimeException e) {
                commitFailure = e; // MVStore closed its file: the store notices and reopens
              } finally {
                commitQueued.set(false);
              }
            });
      } catch (RejectedExecutionException closing) {
        commitQueued.set(false);
      }
    }
  }

  /** Waits until every commit the commit thread was asked for has ended (tests, shutdown). */
  void awaitCommits() throws InterruptedException {
    try {
      committer.submit(() -> {}).get();
    } catch (java.util.concurrent.ExecutionException | RejectedExecutionException e) {
      // nothing ran or the thread is closing: no commit is pending either way
    }
  }

  /**
   * The failure of a commit that closed the file (MVStore's reaction to a failed write), if any.
   */
  RuntimeException commitFailure() {
    return commitFailure != null
        ? commitFailure
        : mv.isClosed()
            ? new IllegalStateException("the twin tables' file was closed by a failed write")
            : null;
  }

  /** Whether {@code e} is the table file failing (H2 MVStore's error), not a rule or a bug. */
  static boolean isFileFailure(RuntimeException e) {
    return e instanceof MVStoreException;
  }

  /** Replays one journal record (idempotent: the state it describes may already be here). */
  void replay(TwinJournal.Entry entry) throws IOException {
    TwinEvent event = TwinCodec.eventFromBytes(entry.json());
    Twin before = twin(event.thingId(), true).orElse(null);
    record(
        event,
        new TwinCodec.Encoded(entry.json(), TwinCodec.encode(event).twin()),
        entry.seq(),
        before);
  }

  private void reindex(String id, Twin before, Twin after) {
    for (String path : options.indexedPaths()) {
      String old = before == null ? null : TwinPaths.indexKey(TwinPaths.resolve(before, path));
      String now = after == null ? null : TwinPaths.indexKey(TwinPaths.resolve(after, path));
      if (old != null && !old.equals(now)) {
        index.remove(indexKey(path, old, id));
      }
      // a read where the entry is there already (the value rarely changes): a put would dirty the
      // leaf for the next commit even when it writes what is there
      if (now != null && !index.containsKey(indexKey(path, now, id))) {
        index.put(indexKey(path, now, id), Boolean.TRUE);
      }
    }
  }

  private static String indexKey(String path, String value, String id) {
    return path + '\0' + value + '\0' + id;
  }

  /** Removes every history entry older than the maximum age; returns how many. */
  long sweepHistory(long nowMillis) {
    return history.sweep(nowMillis);
  }

  /** This twin's events with {@code from <= at <= to}, oldest first, at most limit, decoded. */
  List<TwinEvent> events(String id, long fromMillis, long toMillis, int limit) {
    List<TwinEvent> events = new ArrayList<>();
    for (byte[] json : history(id, fromMillis, toMillis, limit)) {
      try {
        events.add(TwinCodec.eventFromBytes(json));
      } catch (IOException e) {
        throw new UncheckedIOException("a stored history entry of " + id + " is corrupt", e);
      }
    }
    return events;
  }

  /** The JSON of this twin's events with {@code from <= at <= to}, oldest first, at most limit. */
  List<byte[]> history(String id, long fromMillis, long toMillis, int limit) {
    return history.range(id, fromMillis, toMillis, limit);
  }

  /** History entries removed by retention (count or age) since open. */
  long historyTrimmed() {
    return history.trimmed();
  }

  /** Number of history entries kept. */
  long historySize() {
    return history.size();
  }

  /** Number of twins. */
  long size() {
    return twins.sizeAsLong();
  }

  /** Whether {@code path} has an equality index. */
  boolean indexed(String path) {
    return options.indexedPaths().contains(path);
  }

  /** The ids of twins whose value at the indexed {@code path} equals {@code value}, ascending. */
  Iterator<String> idsWhere(String path, JsonNode value, String afterId) {
    String key = TwinPaths.indexKey(value);
    if (key == null) {
      return java.util.Collections.emptyIterator();
    }
    String prefix = path + '\0' + key + '\0';
    String from = afterId == null ? prefix : prefix + afterId + '\0';
    Iterator<String> keys = index.keyIterator(from);
    return new Iterator<>() {
      private String next = advance();

      private String advance() {
        return keys.hasNext()
            ? Optional.of(keys.next()).filter(k -> k.startsWith(prefix)).orElse(null)
            : null;
      }

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public String next() {
        if (next == null) {
          throw new NoSuchElementException();
        }
        String id = next.substring(prefix.length());
        next = advance();
        return id;
      }
    };
  }

  /** The twins in thing-id order, starting at {@code fromId} (inclusive; null: the first). */
  Iterator<Twin> scan(String fromId) {
    Cursor<String, byte[]> c = twins.cursor(fromId);
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return c.hasNext();
      }

      @Override
      public Twin next() {
        c.next();
        return decode(c.getValue());
      }
    };
  }

  /**
   * Makes everything recorded so far durable in the file, noting that replay may start at journal
   * segment {@code replayFrom}; then compacts chunks that are mostly dead.
   */
  void checkpoint(long replayFrom) {
    meta.put(REPLAY_FROM, replayFrom);
    mv.commit();
    mv.sync();
    mv.compact(60, 16 << 20);
    mv.commit();
    mv.sync();
  }

  /** Bytes of the file on disk. */
  long fileBytes() {
    return mv.getFileStore().size();
  }

  /** Closes the file, dropping changes since the last checkpoint (the journal still has them). */
  @Override
  public void close() {
    committer.shutdown();
    try {
      if (!committer.awaitTermination(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the twin tables' commit did not end within 60 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (mv.isClosed()) {
      return; // closed by a failed write (MVStore closes itself then); the journal has the rest
    }
    mv.rollback();
    mv.close();
  }
}
