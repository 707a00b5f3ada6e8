package io.bdt.gateway.twin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * The gateway's twins on disk: an append-only journal of {@link TwinEvent}s (the current state and
 * the full history), replayed on open.
 *
 * <p>Record layout: {@code u32 length, u32 CRC32C(json), json} (little-endian). On open, replay
 * stops at the first record that is short or fails its checksum, and the file is truncated there: a
 * crash mid-write loses at most that record, never an earlier one. Writes go through a 256 KiB
 * buffer; {@link #apply(String, TwinUpdate, boolean)} with {@code durable = true} (REST writes)
 * returns only after the journal is forced to disk, while telemetry updates are forced by a
 * background flush every {@code syncInterval} (group commit).
 */
public final class TwinStore implements AutoCloseable {

  private static final int HEADER = 8;

  private final Path journalFile;
  private final FileChannel channel;
  private final Clock clock;
  private final Map<String, Twin> twins = new ConcurrentHashMap<>();
  private final Map<String, HistoryIndex> history = new ConcurrentHashMap<>();
  private final List<Consumer<TwinEvent>> listeners = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService flusher;
  private final CRC32C crc = new CRC32C();
  private ByteBuffer buffer = ByteBuffer.allocateDirect(256 * 1024).order(ByteOrder.LITTLE_ENDIAN);
  private long writtenEnd;
  private long forcedEnd;
  private boolean closed;

  private TwinStore(Path dir, Clock clock, long syncIntervalMillis) throws IOException {
    Files.createDirectories(dir);
    this.journalFile = dir.resolve("twins.journal");
    this.clock = clock;
    this.channel =
        FileChannel.open(
            journalFile,
            StandardOpenOption.CREATE,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE);
    replay();
    this.flusher =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "twin-journal-flush");
              t.setDaemon(true);
              return t;
            });
    flusher.scheduleWithFixedDelay(
        this::backgroundSync, syncIntervalMillis, syncIntervalMillis, TimeUnit.MILLISECONDS);
  }

  /**
   * Opens (or creates) the store in {@code dir}, replaying its journal.
   *
   * @param syncIntervalMillis how often buffered, non-durable updates are forced to disk
   */
  public static TwinStore open(Path dir, Clock clock, long syncIntervalMillis) throws IOException {
    if (syncIntervalMillis <= 0) {
      throw new IllegalArgumentException(
          "syncIntervalMillis must be > 0, got " + syncIntervalMillis);
    }
    return new TwinStore(dir, clock, syncIntervalMillis);
  }

  private void replay() throws IOException {
    long size = channel.size();
    long position = 0;
    ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
    while (position + HEADER <= size) {
      header.clear();
      channel.read(header, position);
      header.flip();
      int length = header.getInt();
      int expectedCrc = header.getInt();
      if (length <= 0 || position + HEADER + length > size) {
        break;
      }
      ByteBuffer body = ByteBuffer.allocate(length);
      channel.read(body, position + HEADER);
      CRC32C check = new CRC32C();
      check.update(body.array());
      if ((int) check.getValue() != expectedCrc) {
        break;
      }
      TwinEvent event = TwinCodec.eventFromBytes(body.array());
      index(event, position);
      position += HEADER + length;
    }
    if (position < size) {
      channel.truncate(position);
      channel.force(true);
    }
    writtenEnd = position;
    forcedEnd = position;
  }

  private void index(TwinEvent event, long offset) {
    switch (event) {
      case TwinEvent.Created c -> twins.put(c.thingId(), c.twin());
      case TwinEvent.Modified m -> twins.put(m.thingId(), m.twin());
      case TwinEvent.Deleted d -> twins.remove(d.thingId());
    }
    history
        .computeIfAbsent(event.thingId(), id -> new HistoryIndex())
        .add(event.at().toEpochMilli(), offset);
  }

  /** Adds a listener called (on the writer's thread) after each accepted event. */
  public void subscribe(Consumer<TwinEvent> listener) {
    listeners.add(listener);
  }

  /** The twin now, if it exists. */
  public java.util.Optional<Twin> get(String thingId) {
    return java.util.Optional.ofNullable(twins.get(thingId));
  }

  /** Every twin now (a snapshot of the map's values). */
  public Collection<Twin> all() {
    return List.copyOf(twins.values());
  }

  /** Number of twins. */
  public int size() {
    return twins.size();
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
    synchronized (this) {
      requireOpen();
      Twin current = twins.get(thingId);
      Twin next = TwinRules.apply(current, thingId, update, clock.instant());
      event =
          current == null
              ? new TwinEvent.Created(next)
              : new TwinEvent.Modified(next, cause(update));
      long offset = append(TwinCodec.toBytes(event));
      index(event, offset);
      end = writtenEnd;
    }
    if (durable) {
      syncTo(end);
    }
    listeners.forEach(l -> l.accept(event));
    return event;
  }

  /** Deletes a twin durably; returns the event, or empty if there was no such twin. */
  public java.util.Optional<TwinEvent> delete(String thingId) {
    TwinEvent event;
    long end;
    synchronized (this) {
      requireOpen();
      Twin current = twins.get(thingId);
      if (current == null) {
        return java.util.Optional.empty();
      }
      event = new TwinEvent.Deleted(thingId, current.revision() + 1, clock.instant());
      long offset = append(TwinCodec.toBytes(event));
      index(event, offset);
      end = writtenEnd;
    }
    syncTo(end);
    listeners.forEach(l -> l.accept(event));
    return java.util.Optional.of(event);
  }

  private static String cause(TwinUpdate update) {
    return switch (update) {
      case TwinUpdate.Replace r -> "put";
      case TwinUpdate.MergePatch p -> "patch";
      case TwinUpdate.ReportProperties r -> "report:" + r.featureId();
    };
  }

  /**
   * The twin's events with {@code from <= at <= to}, oldest first, at most {@code limit} (the
   * oldest ones).
   */
  public List<TwinEvent> history(String thingId, Instant from, Instant to, int limit) {
    HistoryIndex index = history.get(thingId);
    if (index == null) {
      return List.of();
    }
    long[] offsets = index.offsetsBetween(from.toEpochMilli(), to.toEpochMilli(), limit);
    List<TwinEvent> events = new ArrayList<>(offsets.length);
    try {
      synchronized (this) {
        requireOpen();
        flushBuffer();
      }
      ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
      for (long offset : offsets) {
        header.clear();
        channel.read(header, offset);
        header.flip();
        int length = header.getInt();
        header.getInt();
        ByteBuffer body = ByteBuffer.allocate(length);
        channel.read(body, offset + HEADER);
        events.add(TwinCodec.eventFromBytes(body.array()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading history of " + thingId + " from " + journalFile, e);
    }
    return events;
  }

  private long append(byte[] json) {
    int need = HEADER + json.length;
    try {
      if (buffer.remaining() < need) {
        flushBuffer();
        if (buffer.capacity() < need) {
          buffer = ByteBuffer.allocateDirect(need).order(ByteOrder.LITTLE_ENDIAN);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing the twin journal " + journalFile, e);
    }
    long offset = writtenEnd;
    crc.reset();
    crc.update(json);
    buffer.putInt(json.length).putInt((int) crc.getValue()).put(json);
    writtenEnd += need;
    return offset;
  }

  /** Writes the buffer to the file (not forced); caller holds the lock. */
  private void flushBuffer() throws IOException {
    buffer.flip();
    long position = writtenEnd - buffer.remaining();
    while (buffer.hasRemaining()) {
      position += channel.write(buffer, position);
    }
    buffer.clear();
  }

  /** Forces everything written so far; returns once {@code end} is on disk. */
  private void syncTo(long end) {
    try {
      synchronized (this) {
        if (forcedEnd >= end || closed) {
          return;
        }
        flushBuffer();
        long target = writtenEnd;
        channel.force(false);
        forcedEnd = target;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("forcing the twin journal " + journalFile, e);
    }
  }

  /** Forces every accepted update to disk. */
  public void sync() {
    long end;
    synchronized (this) {
      end = writtenEnd;
    }
    syncTo(end);
  }

  private void backgroundSync() {
    try {
      sync();
    } catch (RuntimeException e) {
      // the next interval retries; a failing disk also fails the next durable write loudly
    }
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("twin store " + journalFile + " is closed");
    }
  }

  /** Bytes in the journal (written, including buffered). */
  public synchronized long journalBytes() {
    return writtenEnd;
  }

  @Override
  public void close() throws IOException {
    // Not shutdownNow(): interrupting a flush in FileChannel.force closes the channel
    // (ClosedByInterruptException), and the final flush below would then fail.
    flusher.shutdown();
    try {
      if (!flusher.awaitTermination(10, TimeUnit.SECONDS)) {
        throw new IOException("twin journal flusher did not stop within 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while stopping the twin journal flusher", e);
    }
    synchronized (this) {
      if (closed) {
        return;
      }
      flushBuffer();
      channel.force(true);
      closed = true;
      channel.close();
    }
  }

  /** Per-thing (epoch millis, journal offset) pairs in journal order. */
  private static final class HistoryIndex {
    private long[] millis = new long[8];
    private long[] offsets = new long[8];
    private int size;

    synchronized void add(long at, long offset) {
      if (size == millis.length) {
        millis = java.util.Arrays.copyOf(millis, size * 2);
        offsets = java.util.Arrays.copyOf(offsets, size * 2);
      }
      millis[size] = at;
      offsets[size] = offset;
      size++;
    }

    synchronized long[] offsetsBetween(long from, long to, int limit) {
      long[] out = new long[Math.min(size, Math.max(limit, 0))];
      int n = 0;
      for (int i = 0; i < size && n < out.length; i++) {
        if (millis[i] >= from && millis[i] <= to) {
          out[n++] = offsets[i];
        }
      }
      return java.util.Arrays.copyOf(out, n);
    }
  }
}
