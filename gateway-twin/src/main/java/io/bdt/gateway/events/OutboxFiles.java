package io.bdt.gateway.events;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The files of an event outbox directory: segment names, the {@code delivered} position file (read,
 * and replaced atomically), and the check of every undelivered segment at open (torn or corrupt
 * tails cut, the backlog counted). Positions as in {@link EventOutbox}.
 */
final class OutboxFiles {

  private static final Logger LOG = Logger.getLogger(EventOutbox.class);
  private static final Pattern SEGMENT = Pattern.compile("segment-(\\d{10})\\.log");
  private static final String DELIVERED = "delivered";

  private OutboxFiles() {}

  /** What the check at open found. */
  record Recovered(long delivered, long backlog, long cut) {}

  static Path segmentFile(Path dir, long n) {
    return dir.resolve(String.format("segment-%010d.log", n));
  }

  /** The segment numbers in {@code dir}, ascending. */
  static List<Long> segments(Path dir) throws IOException {
    return io.bdt.gateway.NumberedFiles.in(dir, SEGMENT);
  }

  /** Replaces the delivered file with {@code position}: temp file, fsync, rename, fsync dir. */
  static void writeDelivered(Path dir, long position) throws IOException {
    Path tmp = dir.resolve(DELIVERED + ".tmp");
    String text =
        OutboxPosition.segmentOf(position) + " " + OutboxPosition.offsetOf(position) + "\n";
    try (FileChannel out =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      OutboxRecords.writeFully(out, ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)), 0);
      out.force(true);
    }
    Files.move(tmp, dir.resolve(DELIVERED), StandardCopyOption.ATOMIC_MOVE);
    forceDirectory(dir);
  }

  /** Opens a segment file to append to (created if missing). */
  static FileChannel openForAppend(Path file) throws IOException {
    return FileChannel.open(
        file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
  }

  static void forceDirectory(Path dir) throws IOException {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
  }

  /**
   * Checks {@code dir} (created if missing) at open: deletes the segments before the delivered one,
   * checks the others record by record, cuts what follows a short or corrupt record, and counts the
   * events not delivered.
   */
  static Recovered recover(Path dir) throws IOException {
    Files.createDirectories(dir);
    List<Long> segments = segments(dir);
    long saved = readDelivered(dir, segments);
    long delivered = saved;
    if (!segments.contains(OutboxPosition.segmentOf(saved))) {
      // its segment is gone (or was never written): delivery goes on at the next one there is
      long next =
          segments.stream()
              .filter(n -> n > OutboxPosition.segmentOf(saved))
              .findFirst()
              .orElse(-1L);
      delivered = OutboxPosition.position(next >= 0 ? next : OutboxPosition.segmentOf(saved), 0);
    }
    Check check = new Check(dir, delivered);
    for (long s : segments) {
      if (s < OutboxPosition.segmentOf(delivered)) {
        Files.delete(segmentFile(dir, s));
      } else {
        check.segment(s);
      }
    }
    return new Recovered(check.delivered, check.backlog, check.cut);
  }

  /**
   * The persisted delivered position: the start of the first segment when there is none, or when it
   * is unreadable (named in the log; everything kept is delivered again rather than lost).
   */
  private static long readDelivered(Path dir, List<Long> segments) throws IOException {
    long first = OutboxPosition.position(segments.isEmpty() ? 0 : segments.get(0), 0);
    String text;
    try {
      text = Files.readString(dir.resolve(DELIVERED), StandardCharsets.US_ASCII).strip();
    } catch (NoSuchFileException e) {
      return first;
    }
    String[] parts = text.split(" ");
    try {
      if (parts.length == 2) {
        long d = OutboxPosition.position(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
        return Math.max(d, first);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    LOG.errorf(
        "event outbox %s: the delivered file holds '%s', not '<segment> <offset>'; every kept event"
            + " is sent again",
        dir, text);
    return first;
  }

  /** The check of the segments at open. */
  private static final class Check {
    private final Path dir;
    private final OutboxRecords.Scanner scanner = new OutboxRecords.Scanner();
    private long delivered;
    private long backlog;
    private long cut;

    Check(Path dir, long delivered) {
      this.dir = dir;
      this.delivered = delivered;
    }

    void segment(long s) throws IOException {
      Path file = segmentFile(dir, s);
      try (FileChannel ch =
          FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        long size = ch.size();
        boolean first = s == OutboxPosition.segmentOf(delivered);
        long from = first ? Math.min(OutboxPosition.offsetOf(delivered), size) : 0;
        // in the delivered segment the records before the delivered offset are walked too: the
        // offset must be a record's start
        long[] boundary = {0};
        OutboxRecords.Scan scan =
            scanner.scan(
                ch,
                0,
                size,
                Integer.MAX_VALUE,
                (offset, length, record) -> {
                  if (offset <= from) {
                    boundary[0] = offset;
                  }
                  if (offset >= from) {
                    backlog++;
                  }
                });
        if (first && from < scan.end() && boundary[0] != from) {
          LOG.warnf(
              "event outbox %s: the delivered offset %d is not a record's start; delivery restarts"
                  + " at %d",
              file, from, boundary[0]);
          delivered = OutboxPosition.position(s, boundary[0]);
          backlog++;
        } else if (first && from > scan.end()) {
          delivered = OutboxPosition.position(s, scan.end());
        }
        if (scan.end() < size) {
          cut++;
          LOG.warnf(
              "event outbox %s: cut %d bytes at offset %d (a record the gateway was writing when"
                  + " it stopped, or damage); the event there is lost",
              file, size - scan.end(), scan.end());
          ch.truncate(scan.end());
          ch.force(true);
        }
      }
    }
  }
}
