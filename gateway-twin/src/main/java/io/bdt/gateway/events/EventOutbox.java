package io.bdt.gateway.events;

import static io.bdt.gateway.events.OutboxPosition.position;
import static io.bdt.gateway.events.OutboxPosition.segmentOf;

import io.bdt.gateway.storage.StorageFault;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jboss.logging.Logger;

/**
 * The gateway's durable queue of CloudEvents on their way to Kafka: an append-only log of numbered
 * segment files {@code segment-NNNNNNNNNN.log} ({@link OutboxRecords} format) in one directory, and
 * a {@code delivered} file holding the position up to which Kafka has acknowledged every event.
 * Appends never block on Kafka or on the disk's flush: each is written to the segment at once (so a
 * killed process loses nothing), and a background task forces the segment to disk every {@code
 * forceInterval} (group commit: a power loss can lose that much), persists the delivered position
 * and deletes the segments wholly before it.
 *
 * <p>Bounded by {@code maxBytes} of segment files: an event that does not fit is dropped and
 * counted ({@link Stats#dropped()}), ingest goes on.
 *
 * <p>A failed write (a full disk) or fsync puts the outbox in a {@linkplain #fault() fault}: the
 * event whose write failed and every event appended after it are held in memory, in order (at most
 * {@link #MAX_HELD}; beyond, dropped and counted), and the background flush tries every interval to
 * write them and fsync; the first attempt that succeeds ends the fault. Held events are lost if the
 * process dies first ({@link Stats#held()} says how many are at stake). The events a failed fsync
 * covered are counted as {@link Stats#lost()} (their durability is unknown; they are still sent if
 * the operating system kept them). On open, every undelivered segment is checked record by record;
 * a short or corrupt record (a write cut by a crash) and what follows it in that segment are cut
 * off, named in the log and counted ({@link Stats#cut()}).
 *
 * <p>Positions are {@link OutboxPosition}s. One thread reads ({@link #read}); any number append.
 */
public final class EventOutbox implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(EventOutbox.class);

  /** Events held in memory at most while the disk refuses writes. */
  public static final int MAX_HELD = 10_000;

  /** One event: its topic, key (the thing id) and the structured CloudEvent's bytes. */
  public record Event(String topic, String key, byte[] value) {}

  /** Events read from a position, oldest first, and the position after them. */
  public record Batch(List<Event> events, long next) {}

  /**
   * @param maxBytes bytes of segment files at most; an event beyond is dropped
   * @param segmentBytes a segment is closed and the next started at this size
   * @param forceInterval how often appended events are forced to disk
   */
  public record Options(long maxBytes, long segmentBytes, Duration forceInterval) {
    public Options {
      if (maxBytes <= 0
          || segmentBytes <= 0
          || forceInterval.isNegative()
          || forceInterval.isZero()) {
        throw new IllegalArgumentException(
            "event outbox: maxBytes, segmentBytes and forceInterval must be > 0");
      }
    }

    /** {@code maxBytes} in segments of 1/16 of it (at most 64 MiB), forced every 200 ms. */
    public static Options of(long maxBytes) {
      long segment = Math.max(4096, Math.min(64L << 20, maxBytes / 16));
      return new Options(maxBytes, segment, Duration.ofMillis(200));
    }
  }

  /**
   * @param backlog events appended and not yet delivered
   * @param bytes bytes of segment files on disk
   * @param dropped events dropped since open because the outbox was full
   * @param lost events since open whose write or flush failed
   * @param cut short or corrupt records cut off at open
   * @param held events held in memory because the disk refused them (written once it takes writes)
   * @param diskFailures failed writes and fsyncs since open (retries included)
   */
  public record Stats(
      long backlog, long bytes, long dropped, long lost, long cut, long held, long diskFailures) {}

  private final Path dir;
  private final Options options;
  private final ScheduledExecutorService forcer;
  private final TreeMap<Long, Long> segmentSizes = new TreeMap<>();
  private final long cut;
  // appending: guarded by this
  private FileChannel channel;
  private long segment;
  private long segmentEnd;
  private long diskBytes;
  private long appended;
  private long forcedAppended;
  private long backlog;
  private long dropped;
  private long lost;
  private boolean full;
  private boolean closed;
  private final ArrayDeque<ByteBuffer> held = new ArrayDeque<>();
  private long diskFailures;
  private volatile StorageFault fault;
  private volatile long end;
  // delivery
  private volatile long delivered;
  private long persistedDelivered;
  private volatile Thread waiter;
  private final OutboxReader reader;

  private EventOutbox(Path dir, Options options, long delivered, long backlog, long cut)
      throws IOException {
    this.dir = dir;
    this.options = options;
    this.delivered = delivered;
    this.persistedDelivered = delivered;
    this.backlog = backlog;
    this.cut = cut;
    for (long s : OutboxFiles.segments(dir)) {
      long size = Files.size(OutboxFiles.segmentFile(dir, s));
      segmentSizes.put(s, size);
      diskBytes += size;
    }
    this.segment = segmentSizes.isEmpty() ? segmentOf(delivered) : segmentSizes.lastKey();
    this.channel = OutboxFiles.openForAppend(OutboxFiles.segmentFile(dir, segment));
    this.segmentEnd = channel.size();
    segmentSizes.putIfAbsent(segment, segmentEnd);
    this.end = position(segment, segmentEnd);
    this.reader = new OutboxReader(this, dir);
    this.forcer =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("events-outbox-force").unstarted(r));
    long every = options.forceInterval().toMillis();
    forcer.scheduleWithFixedDelay(this::forceQuietly, every, every, TimeUnit.MILLISECONDS);
  }

  /**
   * Opens (or creates) the outbox in {@code dir}: checks every undelivered segment, cuts a torn
   * tail, and counts the backlog.
   */
  public static EventOutbox open(Path dir, Options options) throws IOException {
    OutboxFiles.Recovered r = OutboxFiles.recover(dir);
    return new EventOutbox(dir, options, r.delivered(), r.backlog(), r.cut());
  }

  /**
   * Appends {@code event}; false when it was not kept (the outbox is full or closed, or the write
   * failed: counted and logged).
   */
  public boolean append(Event event) {
    ByteBuffer record = OutboxRecords.encode(event);
    int size = record.remaining();
    synchronized (this) {
      if (closed) {
        if (lost++ == 0) {
          LOG.errorf("event outbox %s is closed: events after it are lost (counted)", dir);
        }
        return false;
      }
      if (diskBytes + size > options.maxBytes()) {
        dropped++;
        if (!full) {
          full = true;
          LOG.errorf(
              "event outbox %s is full (%d of %d bytes, %d events not delivered): new events are"
                  + " dropped until Kafka takes the backlog",
              dir, diskBytes, options.maxBytes(), backlog);
        }
        return false;
      }
      if (full) {
        full = false;
        LOG.warnf("event outbox %s has room again; %d events were dropped so far", dir, dropped);
      }
      if (fault != null) {
        return hold(record);
      }
      try {
        write(record);
      } catch (IOException e) {
        failed("write", e);
        truncateQuietly();
        return hold(record);
      }
    }
    Thread w = waiter;
    if (w != null) {
      LockSupport.unpark(w);
    }
    return true;
  }

  /** Writes one record at the end (rotating first if it does not fit); caller holds the lock. */
  private void write(ByteBuffer record) throws IOException {
    int size = record.remaining();
    if (segmentEnd > 0 && segmentEnd + size > options.segmentBytes()) {
      rotate();
    }
    OutboxRecords.writeFully(channel, record.duplicate(), segmentEnd);
    segmentEnd += size;
    diskBytes += size;
    segmentSizes.put(segment, segmentEnd);
    appended++;
    backlog++;
    end = position(segment, segmentEnd);
  }

  /** Keeps a record the disk refused, to write later; caller holds the lock. */
  private boolean hold(ByteBuffer record) {
    if (held.size() >= MAX_HELD) {
      dropped++;
      return false;
    }
    held.addLast(record);
    return true;
  }

  /** Enters (or stays in) a fault after {@code error}; caller holds the lock. */
  private void failed(String operation, IOException error) {
    diskFailures++;
    if (fault == null) {
      fault = StorageFault.of("events", operation, error, Instant.now(), false);
      LOG.errorf(
          error,
          "event outbox %s: %s; new events are held in memory (at most %d)",
          dir,
          fault.describe(),
          MAX_HELD);
    }
  }

  /**
   * In a fault: writes the held events and fsyncs; the fault ends when both succeed. Caller holds
   * the lock.
   */
  private void retryHeld() {
    try {
      while (!held.isEmpty()) {
        write(held.peekFirst());
        held.pollFirst();
      }
      channel.force(false);
    } catch (IOException e) {
      diskFailures++;
      truncateQuietly();
      return;
    }
    forcedAppended = appended;
    LOG.warnf("event outbox %s takes writes again after %s", dir, fault.describe());
    fault = null;
  }

  /** Why new events are held in memory instead of written, if they are. */
  public Optional<StorageFault> fault() {
    return Optional.ofNullable(fault);
  }

  /** Cuts a partly written record off, so the next one starts where readers expect a record. */
  private void truncateQuietly() {
    try {
      channel.truncate(segmentEnd);
    } catch (IOException e) {
      LOG.errorf(
          e,
          "event outbox %s: cutting a failed write off failed",
          OutboxFiles.segmentFile(dir, segment));
    }
  }

  /** Forces the current segment and starts the next; the caller holds the lock. */
  private void rotate() throws IOException {
    FileChannel next = OutboxFiles.openForAppend(OutboxFiles.segmentFile(dir, segment + 1));
    OutboxFiles.forceDirectory(dir);
    FileChannel previous = channel;
    try {
      previous.force(false);
      forcedAppended = appended;
    } catch (IOException e) {
      flushFailed(e, previous, appended);
    }
    previous.close();
    channel = next;
    segment++;
    segmentEnd = 0;
    segmentSizes.put(segment, 0L);
  }

  /**
   * Up to {@code maxEvents} events from {@code from}, oldest first. A corrupt record met here
   * (damage after open) is logged and counted as lost, and the rest of its segment skipped.
   */
  public Batch read(long from, int maxEvents) throws IOException {
    return reader.read(from, maxEvents);
  }

  /** The bytes of segment {@code s} written so far (0 once deleted). */
  synchronized long sizeOf(long s) {
    Long size = segmentSizes.get(s);
    return size == null ? 0 : size;
  }

  /** Counts an event lost to a corrupt record the reader met. */
  synchronized void corruptRecord() {
    lost++;
  }

  /** Waits until something is appended after {@code position}, or {@code max} passes. */
  public void awaitAppend(long position, Duration max) {
    waiter = Thread.currentThread();
    try {
      if (end == position) {
        LockSupport.parkNanos(this, max.toNanos());
      }
    } finally {
      waiter = null;
    }
  }

  /** The position after the last appended event. */
  public long end() {
    return end;
  }

  /** The position up to which Kafka has acknowledged every event. */
  public long delivered() {
    return delivered;
  }

  /**
   * Records that Kafka acknowledged every event before {@code position}, {@code events} of them
   * since the last call; persisted and its segments deleted by the next background flush.
   */
  public void markDelivered(long position, long events) {
    synchronized (this) {
      if (position < delivered) {
        throw new IllegalArgumentException(
            "delivered position moves only forward: " + position + " < " + delivered);
      }
      delivered = position;
      backlog -= events;
    }
  }

  /** Counters and sizes now. */
  public synchronized Stats stats() {
    return new Stats(backlog, diskBytes, dropped, lost, cut, held.size(), diskFailures);
  }

  /**
   * Forces appended events to disk, persists the delivered position, deletes delivered segments.
   */
  public void force() {
    FileChannel ch;
    long target;
    synchronized (this) {
      if (closed) {
        return;
      }
      if (fault != null) {
        retryHeld();
      }
      ch = channel;
      target = appended;
    }
    if (target != forcedAppended) {
      try {
        ch.force(false);
        synchronized (this) {
          forcedAppended = Math.max(forcedAppended, target);
        }
      } catch (ClosedChannelException e) {
        // rotated meanwhile: the rotation forced it
      } catch (IOException e) {
        synchronized (this) {
          flushFailed(e, ch, target);
        }
      }
    }
    persistDelivered();
  }

  private void forceQuietly() {
    try {
      force();
    } catch (RuntimeException e) {
      LOG.errorf(e, "event outbox %s: background flush failed", dir);
    }
  }

  /**
   * Counts the events a failed flush covered as lost (their durability is unknown) and enters a
   * fault; caller holds the lock.
   */
  private void flushFailed(IOException e, FileChannel ch, long target) {
    long events = Math.max(0, target - forcedAppended);
    failed("fsync", e);
    lost += events;
    forcedAppended = Math.max(forcedAppended, target);
    LOG.errorf(
        e,
        "event outbox %s: forcing %d events to disk failed; they are counted as lost (they are still"
            + " sent if the operating system kept them)",
        dir,
        events);
  }

  private void persistDelivered() {
    long d = delivered;
    if (d == persistedDelivered) {
      return;
    }
    try {
      OutboxFiles.writeDelivered(dir, d);
    } catch (IOException e) {
      LOG.warnf(e, "event outbox %s: saving the delivered position failed (retried)", dir);
      return;
    }
    persistedDelivered = d;
    deleteBelow(segmentOf(d));
  }

  /** Deletes the segments wholly before {@code s} (delivered, and the position is on disk). */
  private void deleteBelow(long s) {
    List<Long> doomed;
    synchronized (this) {
      doomed = new ArrayList<>(segmentSizes.headMap(s, false).keySet());
    }
    for (long n : doomed) {
      try {
        Files.deleteIfExists(OutboxFiles.segmentFile(dir, n));
      } catch (IOException e) {
        LOG.warnf(
            e,
            "event outbox: deleting delivered %s failed (retried)",
            OutboxFiles.segmentFile(dir, n));
        return;
      }
      synchronized (this) {
        Long size = segmentSizes.remove(n);
        diskBytes -= size == null ? 0 : size;
      }
    }
  }

  @Override
  public void close() throws IOException {
    forcer.shutdown();
    try {
      if (!forcer.awaitTermination(30, TimeUnit.SECONDS)) {
        throw new IOException("event outbox flusher did not stop within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while stopping the event outbox flusher", e);
    }
    force();
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      if (!held.isEmpty()) {
        lost += held.size();
        LOG.errorf(
            "event outbox %s closed with %d events held in memory (the disk still refused them):"
                + " they are lost (counted)",
            dir, held.size());
        held.clear();
      }
      channel.close();
    }
    reader.close();
  }

  /** For tests: the segment files now, by number, with their sizes. */
  synchronized Map<Long, Long> segmentSizes() {
    return Map.copyOf(segmentSizes);
  }

  /** For tests: the outbox directory. */
  Path directory() {
    return dir;
  }
}
