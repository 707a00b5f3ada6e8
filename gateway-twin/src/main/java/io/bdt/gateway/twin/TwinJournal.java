package io.bdt.gateway.twin;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.List;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * The twin store's write-ahead log: numbered segment files {@code journal-NNNNNNNNNN.log} of
 * records {@code u32 length, u32 CRC32C(json), json} (little-endian). Every accepted event is
 * appended here first; a checkpoint {@linkplain #rotate() rotates} to a new segment and, once the
 * state tables hold everything before it, {@linkplain #deleteBelow deletes} the older segments
 * (compaction of the log). Thread-safe: {@link #append} may run while another thread {@linkplain
 * #force() forces}, so the store's writers never wait for an fsync (with the fsync under the
 * store's lock, MQTT ingest stalled 10-30 ms at every group commit: docs/benchmarks.md).
 *
 * <p>A record's sequence number is {@code segment << 40 | offset}: stable across restarts, so
 * replaying a record twice writes the same history key.
 *
 * <p>Appended records stay in memory until a {@link #force()} succeeds, which writes them at their
 * offsets and fsyncs. A force that fails (a full disk, an fsync error) keeps them, and the next one
 * writes them again at the same offsets: after a failed fsync the kernel may have dropped the
 * written pages, so only a rewrite followed by a successful fsync makes them durable.
 *
 * <p>Locks: {@code forcing} (one force or rotation at a time) is taken before the journal's own
 * monitor, which guards the buffers and counters and is never held during I/O of a force.
 */
final class TwinJournal implements AutoCloseable {

  static final int HEADER = 8;
  private static final Pattern SEGMENT = Pattern.compile("journal-(\\d{10})\\.log");
  private static final String LEGACY = "twins.journal";

  /** One replayed record: its sequence number and its JSON event. */
  record Entry(long seq, byte[] json) {}

  /** Receives replayed records, oldest first. */
  interface Replay {
    void accept(Entry entry) throws IOException;
  }

  /** Forces a segment's data to disk; a seam only so tests can fail an fsync (see below). */
  interface Fsync {
    void force(FileChannel channel) throws IOException;

    /** {@code fdatasync}: the real one. */
    Fsync DATA = channel -> channel.force(false);
  }

  /** An fsync that failed (the records were written to the file, not known to be on disk). */
  static final class FsyncFailed extends IOException {
    FsyncFailed(Path file, IOException cause) {
      super("fsync of " + file + " failed", cause);
    }
  }

  private static final int BUFFER = 256 * 1024;

  /** Records sealed for a force: {@code data} goes at {@code position} of the current segment. */
  private record Chunk(ByteBuffer data, long position) {}

  private final Path dir;
  private final Fsync fsync;
  private final CRC32C crc = new CRC32C();
  private final Object forcing = new Object();
  // guarded by this:
  private FileChannel channel;
  private long segment;
  // the records appended since the last seal, to be written at segmentEnd - position
  private ByteBuffer buffer = newBuffer();
  private ByteBuffer spare;
  // sealed records not yet forced, in offset order (a failed force leaves them for the next)
  private final ArrayDeque<Chunk> sealed = new ArrayDeque<>();
  private long segmentEnd;
  private long written;
  private long forced;
  private long olderSegmentBytes;

  private TwinJournal(Path dir, Fsync fsync) {
    this.dir = dir;
    this.fsync = fsync;
  }

  /** The file of segment {@code n} in {@code dir}. */
  static Path segmentFile(Path dir, long n) {
    return dir.resolve(String.format("journal-%010d.log", n));
  }

  /** The segment numbers present in {@code dir}, ascending. */
  static List<Long> segments(Path dir) throws IOException {
    return io.bdt.gateway.NumberedFiles.in(dir, SEGMENT);
  }

  /**
   * Opens the journal in {@code dir}: deletes segments below {@code fromSegment} (already in the
   * tables), replays the others in order into {@code replay}, truncates a segment at its first
   * short or corrupt record, and appends to the last segment.
   */
  static TwinJournal open(Path dir, long fromSegment, Replay replay, Fsync fsync)
      throws IOException {
    Path legacy = dir.resolve(LEGACY);
    if (Files.exists(legacy) && segments(dir).isEmpty()) {
      // the single-file journal of earlier versions is segment 0
      Files.move(legacy, segmentFile(dir, 0));
    }
    TwinJournal journal = new TwinJournal(dir, fsync);
    long last = fromSegment;
    for (long n : segments(dir)) {
      if (n < fromSegment) {
        Files.delete(segmentFile(dir, n));
        continue;
      }
      long valid = replaySegment(segmentFile(dir, n), n, replay);
      journal.olderSegmentBytes += valid;
      last = n;
    }
    journal.segment = last;
    journal.channel = openSegment(segmentFile(dir, last));
    journal.segmentEnd = journal.channel.size();
    journal.olderSegmentBytes -= journal.segmentEnd;
    journal.written = journal.olderSegmentBytes + journal.segmentEnd;
    journal.forced = journal.written;
    return journal;
  }

  /**
   * Replays the segments from {@code fromSegment} on, in order, into {@code replay} (an open
   * journal's records too: only what is on disk), without deleting or opening any for appends.
   */
  static void replay(Path dir, long fromSegment, Replay replay) throws IOException {
    for (long n : segments(dir)) {
      if (n >= fromSegment) {
        replaySegment(segmentFile(dir, n), n, replay);
      }
    }
  }

  private static FileChannel openSegment(Path file) throws IOException {
    return FileChannel.open(
        file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
  }

  /** Replays one segment; returns its valid length (the file is truncated to it). */
  private static long replaySegment(Path file, long n, Replay replay) throws IOException {
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = ch.size();
      long position = 0;
      ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
      CRC32C check = new CRC32C();
      while (position + HEADER <= size) {
        header.clear();
        ch.read(header, position);
        header.flip();
        int length = header.getInt();
        int expectedCrc = header.getInt();
        if (length <= 0 || position + HEADER + length > size) {
          break;
        }
        ByteBuffer body = ByteBuffer.allocate(length);
        ch.read(body, position + HEADER);
        check.reset();
        check.update(body.array());
        if ((int) check.getValue() != expectedCrc) {
          break;
        }
        replay.accept(new Entry(n << 40 | position, body.array()));
        position += HEADER + length;
      }
      if (position < size) {
        ch.truncate(position);
        ch.force(true);
      }
      return position;
    }
  }

  private static ByteBuffer newBuffer() {
    return ByteBuffer.allocateDirect(BUFFER).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Appends one record to the buffer (grown as needed); returns its sequence number. */
  synchronized long append(byte[] json) {
    int need = HEADER + json.length;
    if (buffer.remaining() < need) {
      int size = Math.max(buffer.capacity() * 2, buffer.position() + need);
      ByteBuffer bigger = ByteBuffer.allocateDirect(size).order(ByteOrder.LITTLE_ENDIAN);
      bigger.put(buffer.flip());
      buffer = bigger;
    }
    long seq = segment << 40 | segmentEnd;
    crc.reset();
    crc.update(json);
    buffer.putInt(json.length).putInt((int) crc.getValue()).put(json);
    segmentEnd += need;
    written += need;
    return seq;
  }

  /**
   * Writes every record appended since the last successful force at its offset and fsyncs the
   * segment; appends go on meanwhile (they are forced by the next call). On failure the records
   * stay buffered and the next call writes them again.
   */
  void force() throws IOException {
    synchronized (forcing) {
      forceHeld();
    }
  }

  /** {@link #force()}; the caller holds {@code forcing}. */
  private void forceHeld() throws IOException {
    List<Chunk> pending;
    FileChannel ch;
    long target;
    synchronized (this) {
      if (forced == written) {
        return;
      }
      if (buffer.position() > 0) {
        ByteBuffer data = buffer.flip();
        sealed.addLast(new Chunk(data, segmentEnd - data.remaining()));
        buffer = spare != null ? spare : newBuffer();
        spare = null;
      }
      pending = List.copyOf(sealed);
      ch = channel;
      target = written;
    }
    for (Chunk chunk : pending) {
      ByteBuffer data = chunk.data().duplicate(); // a rewrite after a failure starts over
      long position = chunk.position();
      while (data.hasRemaining()) {
        position += ch.write(data, position);
      }
    }
    try {
      fsync.force(ch);
    } catch (IOException e) {
      throw new FsyncFailed(current(), e);
    }
    synchronized (this) {
      forced = target;
      for (int i = 0; i < pending.size(); i++) {
        ByteBuffer done = sealed.pollFirst().data();
        if (spare == null && done.capacity() == BUFFER) {
          spare = done.clear();
        }
      }
    }
  }

  /** Bytes appended since the journal was first created (a logical end that only grows). */
  synchronized long written() {
    return written;
  }

  /** Bytes appended and forced to disk (same scale as {@link #written()}). */
  synchronized long forced() {
    return forced;
  }

  /** Bytes in the current segment. */
  synchronized long segmentBytes() {
    return segmentEnd;
  }

  /**
   * Forces the current segment and starts the next; returns the new segment's number. The caller
   * keeps appends out meanwhile (the store holds its lock).
   */
  long rotate() throws IOException {
    synchronized (forcing) {
      forceHeld();
      synchronized (this) {
        channel.close();
        olderSegmentBytes += segmentEnd;
        segment++;
        channel = openSegment(segmentFile(dir, segment));
        segmentEnd = 0;
        return segment;
      }
    }
  }

  /** Deletes the segments below {@code n} (their records are in the checkpointed tables). */
  void deleteBelow(long n) throws IOException {
    for (long s : segments(dir)) {
      if (s < n) {
        Files.deleteIfExists(segmentFile(dir, s));
      }
    }
  }

  synchronized Path current() {
    return segmentFile(dir, segment);
  }

  @Override
  public void close() throws IOException {
    synchronized (forcing) {
      try {
        forceHeld();
      } finally {
        synchronized (this) {
          channel.close();
        }
      }
    }
  }
}
