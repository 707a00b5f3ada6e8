package io.bdt.gateway.twin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * The twin store's write-ahead log: numbered segment files {@code journal-NNNNNNNNNN.log} of
 * records {@code u32 length, u32 CRC32C(json), json} (little-endian). Every accepted event is
 * appended here first; a checkpoint {@linkplain #rotate() rotates} to a new segment and, once the
 * state tables hold everything before it, {@linkplain #deleteBelow deletes} the older segments
 * (compaction of the log). Not thread-safe: the store calls it under its own lock.
 *
 * <p>A record's sequence number is {@code segment << 40 | offset}: stable across restarts, so
 * replaying a record twice writes the same history key.
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

  private final Path dir;
  private final CRC32C crc = new CRC32C();
  private FileChannel channel;
  private long segment;
  private ByteBuffer buffer = ByteBuffer.allocateDirect(256 * 1024).order(ByteOrder.LITTLE_ENDIAN);
  private long segmentEnd;
  private long written;
  private long forced;
  private long olderSegmentBytes;

  private TwinJournal(Path dir) {
    this.dir = dir;
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
  static TwinJournal open(Path dir, long fromSegment, Replay replay) throws IOException {
    Path legacy = dir.resolve(LEGACY);
    if (Files.exists(legacy) && segments(dir).isEmpty()) {
      // the single-file journal of earlier versions is segment 0
      Files.move(legacy, segmentFile(dir, 0));
    }
    TwinJournal journal = new TwinJournal(dir);
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

  /** Appends one record to the buffer; returns its sequence number. */
  long append(byte[] json) {
    int need = HEADER + json.length;
    try {
      if (buffer.remaining() < need) {
        flushBuffer();
        if (buffer.capacity() < need) {
          buffer = ByteBuffer.allocateDirect(need).order(ByteOrder.LITTLE_ENDIAN);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing the twin journal " + current(), e);
    }
    long seq = segment << 40 | segmentEnd;
    crc.reset();
    crc.update(json);
    buffer.putInt(json.length).putInt((int) crc.getValue()).put(json);
    segmentEnd += need;
    written += need;
    return seq;
  }

  /** Writes the buffer to the segment file (not forced). */
  void flushBuffer() throws IOException {
    buffer.flip();
    long position = segmentEnd - buffer.remaining();
    while (buffer.hasRemaining()) {
      position += channel.write(buffer, position);
    }
    buffer.clear();
  }

  /** Writes and forces everything appended so far. */
  void force() throws IOException {
    if (forced == written) {
      return;
    }
    long target = written;
    flushBuffer();
    channel.force(false);
    forced = target;
  }

  /** Bytes appended since the journal was first created (a logical end that only grows). */
  long written() {
    return written;
  }

  /** Bytes appended and forced to disk (same scale as {@link #written()}). */
  long forced() {
    return forced;
  }

  /** Bytes in the current segment. */
  long segmentBytes() {
    return segmentEnd;
  }

  /** Forces the current segment and starts the next; returns the new segment's number. */
  long rotate() throws IOException {
    force();
    channel.close();
    olderSegmentBytes += segmentEnd;
    segment++;
    channel = openSegment(segmentFile(dir, segment));
    segmentEnd = 0;
    return segment;
  }

  /** Deletes the segments below {@code n} (their records are in the checkpointed tables). */
  void deleteBelow(long n) throws IOException {
    for (long s : segments(dir)) {
      if (s < n) {
        Files.deleteIfExists(segmentFile(dir, s));
      }
    }
  }

  Path current() {
    return segmentFile(dir, segment);
  }

  @Override
  public void close() throws IOException {
    flushBuffer();
    channel.force(true);
    channel.close();
  }
}
