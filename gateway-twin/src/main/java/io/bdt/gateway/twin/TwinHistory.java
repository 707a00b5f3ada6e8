package io.bdt.gateway.twin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * The twins' retained events in the twin tables' file, laid out so that recording one costs an
 * append: a log ({@code historyLog}: {@code millis seq} -> event JSON, both 16 hex digits, so new
 * events go to its last page and the oldest are at its front) and a per-twin index ({@code
 * historyByTwin}: {@code thingId NUL millis seq}, no value, so a twin's events in a time range are
 * one key range of small keys). Retention (count and age, measured from the newest event's instant)
 * runs on each event of the twin over its index range; the age sweep walks the log from its front
 * and stops at the first event it keeps.
 *
 * <p>Why: with the event JSON under a per-twin key (layout 1, {@code history}: {@code thingId NUL
 * millis seq} -> JSON) each event dirtied that twin's own leaf, so under 10,000 devices every
 * message read a leaf from disk and every commit serialized and compressed a leaf per message
 * (docs/benchmarks.md, ten thousand devices). Now an event dirties one small index leaf (about 48
 * keys of ~45 bytes) plus the log's last page, and a twin's first and last index leaves (what the
 * retention reads) stay in the page cache. Reading a twin's history costs one log lookup per event.
 *
 * <p>A store of layout 1 is migrated when it is opened (the old map copied into the two new ones
 * and removed, in one commit; interrupted, it runs again from the old map); a store of a newer
 * layout is refused. Every write is idempotent (a replayed event writes the same keys), and a log
 * entry without its index entry or the reverse, which a commit between the two puts can leave after
 * a crash, is skipped by reads and removed by retention or the sweep.
 */
final class TwinHistory {

  /** The layout this code reads and writes, kept in the meta map under {@link #LAYOUT_KEY}. */
  static final long LAYOUT = 2;

  static final String LAYOUT_KEY = "historyLayout";
  static final String LAYOUT_1_MAP = "history";
  private static final HexFormat HEX = HexFormat.of();
  private static final int STAMP = 32;

  private final MVMap<String, byte[]> log;
  private final MVMap<String, Boolean> byTwin;
  private final TwinStoreOptions options;
  private final LongAdder trimmed = new LongAdder();

  private TwinHistory(MVStore mv, TwinStoreOptions options) {
    this.log = mv.openMap("historyLog");
    this.byTwin = mv.openMap("historyByTwin");
    this.options = options;
  }

  /**
   * Opens the history of {@code mv}, migrating layout 1 (and committing) when the store has it.
   *
   * @param file the file's name, for the error when its layout is unknown
   * @throws IllegalStateException when the file has a history layout this code does not read
   */
  static TwinHistory open(
      MVStore mv, MVMap<String, Long> meta, TwinStoreOptions options, Object file) {
    Long layout = meta.get(LAYOUT_KEY);
    if (layout != null && layout != LAYOUT) {
      throw new IllegalStateException(
          file
              + " has twin history layout "
              + layout
              + "; this gateway reads layout "
              + LAYOUT
              + " (and migrates layout 1): run the gateway version that wrote it, or move the"
              + " data directory aside to start empty");
    }
    TwinHistory history = new TwinHistory(mv, options);
    if (layout == null) {
      if (mv.hasMap(LAYOUT_1_MAP)) {
        history.migrateLayout1(mv.openMap(LAYOUT_1_MAP), file);
        mv.removeMap(LAYOUT_1_MAP);
      }
      meta.put(LAYOUT_KEY, LAYOUT);
      mv.commit();
    }
    return history;
  }

  private void migrateLayout1(MVMap<String, byte[]> old, Object file) {
    for (Cursor<String, byte[]> c = old.cursor(null); c.hasNext(); ) {
      String key = c.next();
      int at = key.lastIndexOf('\0') + 1;
      if (at == 0 || key.length() - at != STAMP) {
        throw new IllegalStateException(
            file
                + ": history key '"
                + key.replace('\0', '|')
                + "' is not of layout 1; not migrated");
      }
      log.put(key.substring(at), c.getValue());
      byTwin.put(key, Boolean.TRUE);
    }
  }

  /** The log key of an event: its instant (ms) and journal sequence number, 16 hex digits each. */
  static String stamp(long millis, long seq) {
    return HEX.toHexDigits(millis) + HEX.toHexDigits(seq);
  }

  private static long millisOf(String key) {
    int at = key.length() - STAMP;
    return Long.parseUnsignedLong(key, at, at + 16, 16);
  }

  /** Records one event of twin {@code id}, then that twin's retention as of the event's instant. */
  void record(String id, long millis, long seq, byte[] json) {
    String stamp = stamp(millis, seq);
    log.put(stamp, json);
    byTwin.put(id + '\0' + stamp, Boolean.TRUE);
    trim(id, millis);
  }

  /**
   * Removes this twin's oldest events beyond the count and older than the maximum age: the count
   * from the index's positions, then one walk from the twin's first key up to the first event kept.
   */
  private void trim(String id, long nowMillis) {
    String low = id + '\0';
    long from = insertionPoint(low);
    long count = insertionPoint(id + '\1') - from;
    if (count <= 0) {
      return;
    }
    long oldest = nowMillis - options.historyMaxAge().toMillis();
    int keep = options.historyPerTwin();
    List<String> expired = null;
    for (Iterator<String> it = byTwin.keyIterator(low); count > 0 && it.hasNext(); count--) {
      String key = it.next();
      if (!key.startsWith(low) || (count <= keep && millisOf(key) >= oldest)) {
        break;
      }
      if (expired == null) {
        expired = new ArrayList<>(2);
      }
      expired.add(key);
    }
    if (expired == null) {
      return;
    }
    for (String key : expired) {
      byTwin.remove(key);
      if (log.remove(key.substring(low.length())) != null) {
        trimmed.increment();
      }
    }
  }

  private long insertionPoint(String absentKey) {
    long i = byTwin.getKeyIndex(absentKey);
    return i < 0 ? -i - 1 : i;
  }

  /**
   * Removes every event older than the maximum age (from the log's front, up to the first one it
   * keeps, in batches of 10,000); returns how many.
   */
  long sweep(long nowMillis) {
    long oldest = nowMillis - options.historyMaxAge().toMillis();
    if (oldest <= 0) {
      return 0; // a maximum age reaching before 1970: nothing is that old
    }
    String keep = stamp(oldest, 0);
    long removed = 0;
    while (true) {
      List<String> expired = new ArrayList<>();
      for (Iterator<String> it = log.keyIterator(null); it.hasNext() && expired.size() < 10_000; ) {
        String key = it.next();
        if (key.compareTo(keep) >= 0) {
          break;
        }
        expired.add(key);
      }
      if (expired.isEmpty()) {
        return removed;
      }
      for (String key : expired) {
        byte[] json = log.remove(key);
        if (json != null) {
          byTwin.remove(thingIdOf(json, key) + '\0' + key);
          trimmed.increment();
          removed++;
        }
      }
    }
  }

  private static String thingIdOf(byte[] json, String key) {
    try {
      return TwinCodec.thingIdOf(json);
    } catch (IOException e) {
      throw new UncheckedIOException("the history entry " + key + " is corrupt", e);
    }
  }

  /** The JSON of this twin's events with {@code from <= at <= to}, oldest first, at most limit. */
  List<byte[]> range(String id, long fromMillis, long toMillis, int limit) {
    List<byte[]> out = new ArrayList<>();
    String low = id + '\0';
    String start = low + stamp(Math.max(fromMillis, 0), 0);
    String end = low + HEX.toHexDigits(toMillis) + "g";
    Cursor<String, Boolean> c = byTwin.cursor(start, end, false);
    while (out.size() < limit && c.hasNext()) {
      byte[] json = log.get(c.next().substring(low.length()));
      if (json != null) {
        out.add(json);
      }
    }
    return out;
  }

  /** Events removed by retention (count or age) since open. */
  long trimmed() {
    return trimmed.sum();
  }

  /** Number of events kept. */
  long size() {
    return byTwin.sizeAsLong();
  }
}
