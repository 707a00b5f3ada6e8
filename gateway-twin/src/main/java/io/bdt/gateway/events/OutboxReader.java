package io.bdt.gateway.events;

import static io.bdt.gateway.events.OutboxPosition.offsetOf;
import static io.bdt.gateway.events.OutboxPosition.position;
import static io.bdt.gateway.events.OutboxPosition.segmentOf;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The reading side of an {@link EventOutbox}, used by one thread: decodes the events from a
 * position up to the outbox's end, segment by segment, keeping the segment it reads open.
 */
final class OutboxReader implements Closeable {
  private static final Logger LOG = Logger.getLogger(OutboxReader.class);

  private final EventOutbox outbox;
  private final Path dir;
  private final OutboxRecords.Scanner scanner = new OutboxRecords.Scanner();
  private FileChannel channel;
  private long segment = -1;

  OutboxReader(EventOutbox outbox, Path dir) {
    this.outbox = outbox;
    this.dir = dir;
  }

  /**
   * Up to {@code maxEvents} events from {@code from}, oldest first. A corrupt record met here
   * (damage after open) is logged and counted as lost, and the rest of its segment skipped.
   */
  EventOutbox.Batch read(long from, int maxEvents) throws IOException {
    List<EventOutbox.Event> events = new ArrayList<>();
    long at = from;
    long limitEnd = outbox.end();
    while (events.size() < maxEvents) {
      long s = segmentOf(at);
      long limit = s < segmentOf(limitEnd) ? outbox.sizeOf(s) : offsetOf(limitEnd);
      if (offsetOf(at) >= limit) {
        if (s < segmentOf(limitEnd)) {
          at = position(s + 1, 0);
          continue;
        }
        break;
      }
      OutboxRecords.Scan scan =
          scanner.scan(
              channel(s),
              offsetOf(at),
              limit,
              maxEvents - events.size(),
              (offset, size, record) -> events.add(OutboxRecords.decode(record, size)));
      at = position(s, scan.end());
      if (scan.damaged()) {
        outbox.corruptRecord();
        LOG.errorf(
            "event outbox %s: a corrupt record at offset %d; the %d bytes after it are skipped",
            OutboxFiles.segmentFile(dir, s), scan.end(), limit - scan.end());
        at = s < segmentOf(limitEnd) ? position(s + 1, 0) : limitEnd;
      }
    }
    return new EventOutbox.Batch(events, at);
  }

  private FileChannel channel(long s) throws IOException {
    if (segment != s) {
      if (channel != null) {
        channel.close();
      }
      channel = FileChannel.open(OutboxFiles.segmentFile(dir, s), StandardOpenOption.READ);
      segment = s;
    }
    return channel;
  }

  @Override
  public void close() throws IOException {
    if (channel != null) {
      channel.close();
    }
  }
}
