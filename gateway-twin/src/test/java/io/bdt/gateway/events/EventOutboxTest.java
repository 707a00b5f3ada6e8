package io.bdt.gateway.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.gateway.storage.SmallDisk;
import io.bdt.gateway.storage.StorageFault;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The event outbox on a real file system: order, rewind, deletion, torn tails, the cap. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EventOutboxTest {

  @TempDir Path dir;

  /** Small segments, so a few events span several; a flush every 50 ms. */
  private static final EventOutbox.Options SMALL =
      new EventOutbox.Options(1 << 20, 1024, Duration.ofMillis(50));

  private static EventOutbox.Event event(String thing, int seq) {
    return new EventOutbox.Event(
        "bdt.test",
        thing,
        ("{\"seq\":" + seq + ",\"pad\":\"" + "x".repeat(100) + "\"}").getBytes());
  }

  private static int seq(EventOutbox.Event e) {
    String s = new String(e.value(), StandardCharsets.UTF_8);
    return Integer.parseInt(s.substring(s.indexOf(':') + 1, s.indexOf(',')));
  }

  private static List<Integer> seqs(List<EventOutbox.Event> events) {
    return events.stream().map(EventOutboxTest::seq).toList();
  }

  private static List<Integer> range(int from, int to) {
    List<Integer> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      out.add(i);
    }
    return out;
  }

  /** Reads everything from the delivered position without marking it. */
  private static List<EventOutbox.Event> readAll(EventOutbox outbox) throws IOException {
    List<EventOutbox.Event> out = new ArrayList<>();
    long at = outbox.delivered();
    while (true) {
      EventOutbox.Batch b = outbox.read(at, 7);
      out.addAll(b.events());
      if (b.next() == at) {
        return out;
      }
      at = b.next();
    }
  }

  @Test
  void readsAppendedEventsInOrderAcrossSegments() throws IOException {
    try (EventOutbox outbox = EventOutbox.open(dir, SMALL)) {
      for (int i = 0; i < 100; i++) {
        assertThat(outbox.append(event("bdt:a", i))).isTrue();
      }
      assertThat(outbox.segmentSizes()).hasSizeGreaterThan(5);
      List<EventOutbox.Event> events = readAll(outbox);
      assertThat(seqs(events)).isEqualTo(range(0, 100));
      assertThat(events.get(0).topic()).isEqualTo("bdt.test");
      assertThat(events.get(0).key()).isEqualTo("bdt:a");
      assertThat(outbox.stats().backlog()).isEqualTo(100);
    }
  }

  @Test
  void readingFromTheDeliveredPositionAgainRewindsToTheFirstUnacknowledgedEvent()
      throws IOException {
    try (EventOutbox outbox = EventOutbox.open(dir, SMALL)) {
      for (int i = 0; i < 30; i++) {
        outbox.append(event("bdt:a", i));
      }
      EventOutbox.Batch first = outbox.read(outbox.delivered(), 5);
      outbox.markDelivered(first.next(), first.events().size());
      EventOutbox.Batch sentButFailed = outbox.read(outbox.delivered(), 10);
      assertThat(seqs(sentButFailed.events())).isEqualTo(range(5, 15));
      // the send failed: nothing is marked, the next read starts at the same event again
      EventOutbox.Batch again = outbox.read(outbox.delivered(), 10);
      assertThat(seqs(again.events())).isEqualTo(range(5, 15));
      assertThat(outbox.stats().backlog()).isEqualTo(25);
    }
  }

  @Test
  void deletesSegmentsWhollyDeliveredOnceThePositionIsOnDisk() throws IOException {
    try (EventOutbox outbox = EventOutbox.open(dir, SMALL)) {
      for (int i = 0; i < 100; i++) {
        outbox.append(event("bdt:a", i));
      }
      long bytesBefore = outbox.stats().bytes();
      int segmentsBefore = outbox.segmentSizes().size();
      EventOutbox.Batch all = outbox.read(outbox.delivered(), 1000);
      assertThat(all.events()).hasSize(100);
      outbox.markDelivered(all.next(), 100);
      outbox.force();
      assertThat(outbox.segmentSizes()).hasSize(1).hasSizeLessThan(segmentsBefore);
      assertThat(OutboxFiles.segments(dir)).hasSize(1);
      assertThat(outbox.stats().bytes()).isLessThan(bytesBefore);
      assertThat(outbox.stats().backlog()).isZero();
      assertThat(Files.readString(dir.resolve("delivered")).strip())
          .isEqualTo(
              OutboxPosition.segmentOf(all.next()) + " " + OutboxPosition.offsetOf(all.next()));
    }
  }

  @Test
  void aReopenedOutboxResumesAtTheDeliveredPositionWithItsBacklog() throws IOException {
    try (EventOutbox outbox = EventOutbox.open(dir, SMALL)) {
      for (int i = 0; i < 20; i++) {
        outbox.append(event("bdt:a", i));
      }
      EventOutbox.Batch b = outbox.read(outbox.delivered(), 8);
      outbox.markDelivered(b.next(), 8);
    }
    try (EventOutbox reopened = EventOutbox.open(dir, SMALL)) {
      assertThat(reopened.stats().backlog()).isEqualTo(12);
      assertThat(seqs(readAll(reopened))).isEqualTo(range(8, 20));
      reopened.append(event("bdt:a", 20));
      assertThat(seqs(readAll(reopened))).isEqualTo(range(8, 21));
    }
  }

  @Test
  void aHalfWrittenLastRecordIsCutAtOpenCountedAndAppendsGoOnAfterIt() throws IOException {
    try (EventOutbox outbox = EventOutbox.open(dir, EventOutbox.Options.of(1 << 20))) {
      for (int i = 0; i < 5; i++) {
        outbox.append(event("bdt:a", i));
      }
    }
    Path last = OutboxFiles.segmentFile(dir, OutboxFiles.segments(dir).getLast());
    long whole = Files.size(last);
    ByteBuffer record = OutboxRecords.encode(event("bdt:a", 5));
    record.limit(record.limit() / 2); // the gateway stopped halfway through writing it
    try (FileChannel ch = FileChannel.open(last, StandardOpenOption.WRITE)) {
      OutboxRecords.writeFully(ch, record, whole);
    }
    try (EventOutbox reopened = EventOutbox.open(dir, EventOutbox.Options.of(1 << 20))) {
      assertThat(reopened.stats().cut()).isEqualTo(1);
      assertThat(Files.size(last)).isEqualTo(whole);
      assertThat(reopened.stats().backlog()).isEqualTo(5);
      reopened.append(event("bdt:a", 6));
      assertThat(seqs(readAll(reopened))).containsExactly(0, 1, 2, 3, 4, 6);
    }
  }

  @Test
  void aCorruptRecordIsCutWithWhatFollowsItInItsSegment() throws IOException {
    try (EventOutbox outbox = EventOutbox.open(dir, EventOutbox.Options.of(1 << 20))) {
      for (int i = 0; i < 5; i++) {
        outbox.append(event("bdt:a", i));
      }
    }
    Path last = OutboxFiles.segmentFile(dir, OutboxFiles.segments(dir).getLast());
    int recordSize = OutboxRecords.encode(event("bdt:a", 0)).remaining();
    try (FileChannel ch =
        FileChannel.open(last, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      // flip a byte in the body of the third record: its CRC no longer matches
      long at = 2L * recordSize + OutboxRecords.HEADER + 20;
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, at);
      b.put(0, (byte) (b.get(0) ^ 0x5a)).rewind();
      ch.write(b, at);
    }
    try (EventOutbox reopened = EventOutbox.open(dir, EventOutbox.Options.of(1 << 20))) {
      assertThat(reopened.stats().cut()).isEqualTo(1);
      assertThat(reopened.stats().backlog()).isEqualTo(2);
      assertThat(seqs(readAll(reopened))).containsExactly(0, 1);
    }
  }

  @Test
  void anUnreadableDeliveredFileSendsEverythingKeptAgainRatherThanLosingIt() throws IOException {
    try (EventOutbox outbox = EventOutbox.open(dir, SMALL)) {
      for (int i = 0; i < 10; i++) {
        outbox.append(event("bdt:a", i));
      }
      EventOutbox.Batch b = outbox.read(outbox.delivered(), 4);
      outbox.markDelivered(b.next(), 4);
    }
    Files.writeString(dir.resolve("delivered"), "not a position\n");
    try (EventOutbox reopened = EventOutbox.open(dir, SMALL)) {
      List<Integer> seqs = seqs(readAll(reopened));
      assertThat(seqs).endsWith(range(4, 10).toArray(new Integer[0]));
      assertThat(reopened.stats().backlog()).isEqualTo(seqs.size());
    }
  }

  @Test
  void atTheCapNewEventsAreDroppedAndCountedUntilDeliveryMakesRoom() throws IOException {
    EventOutbox.Options tiny = new EventOutbox.Options(4096, 1024, Duration.ofMillis(50));
    try (EventOutbox outbox = EventOutbox.open(dir, tiny)) {
      int kept = 0;
      for (int i = 0; i < 100; i++) {
        if (outbox.append(event("bdt:a", i))) {
          kept++;
        }
      }
      assertThat(kept).isBetween(1, 99);
      assertThat(outbox.stats().dropped()).isEqualTo(100 - kept);
      assertThat(outbox.stats().bytes()).isLessThanOrEqualTo(4096);
      assertThat(outbox.stats().backlog()).isEqualTo(kept);
      assertThat(seqs(readAll(outbox))).isEqualTo(range(0, kept));
      EventOutbox.Batch all = outbox.read(outbox.delivered(), 1000);
      outbox.markDelivered(all.next(), all.events().size());
      outbox.force();
      assertThat(outbox.append(event("bdt:a", 100))).isTrue();
      assertThat(seqs(readAll(outbox))).containsExactly(100);
    }
  }

  @Test
  void aFullDiskHoldsEventsInMemoryInOrderAndWritesThemOnceItHasRoom() throws Exception {
    try (SmallDisk disk = SmallDisk.mount(dir.resolve("disk"), 1)) {
      Path outboxDir = disk.dir().resolve("outbox");
      EventOutbox.Options options =
          new EventOutbox.Options(8 << 20, 64 << 10, Duration.ofMillis(20));
      try (EventOutbox outbox = EventOutbox.open(outboxDir, options)) {
        for (int i = 0; i < 10; i++) {
          assertThat(outbox.append(event("bdt:a", i))).isTrue();
        }
        disk.fill();
        for (int i = 10; i < 200; i++) {
          assertThat(outbox.append(event("bdt:a", i))).as("event %d kept", i).isTrue();
        }
        StorageFault fault = outbox.fault().orElseThrow();
        assertThat(fault.operation()).isEqualTo("write");
        assertThat(fault.cause()).contains("No space left on device");
        assertThat(outbox.stats().held()).isPositive();
        assertThat(outbox.stats().diskFailures()).isPositive();
        assertThat(outbox.stats().lost()).isZero();

        disk.free();
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (outbox.fault().isPresent() && System.nanoTime() < end) {
          Thread.sleep(10);
        }
        assertThat(outbox.fault()).as("the outbox takes writes again").isEmpty();
        assertThat(outbox.stats().held()).isZero();
        assertThat(outbox.append(event("bdt:a", 200))).isTrue();
      }
      try (EventOutbox reopened = EventOutbox.open(outboxDir, options)) {
        assertThat(seqs(readAll(reopened))).isEqualTo(range(0, 201));
        assertThat(reopened.stats().cut()).isZero();
      }
    }
  }

  @Test
  void anEventAppendedAfterCloseIsCountedAsLost() throws IOException {
    EventOutbox outbox = EventOutbox.open(dir, SMALL);
    outbox.close();
    assertThat(outbox.append(event("bdt:a", 0))).isFalse();
    assertThat(outbox.stats().lost()).isEqualTo(1);
  }

  @Test
  void concurrentAppendersAndOneReaderLoseAndRepeatNothing() throws Exception {
    int writers = 4;
    int each = 2000;
    // room for every event even if the reader falls behind the writers (a loaded machine): this
    // test is about order and loss under concurrency, not about the cap (tested above)
    EventOutbox.Options roomy = new EventOutbox.Options(64 << 20, 64 << 10, Duration.ofMillis(50));
    try (EventOutbox outbox = EventOutbox.open(dir, roomy)) {
      List<Thread> threads = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        String thing = "bdt:w" + w;
        threads.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      for (int i = 0; i < each; i++) {
                        outbox.append(event(thing, i));
                      }
                    }));
      }
      Map<String, List<Integer>> seen = new HashMap<>();
      int total = 0;
      while (total < writers * each) {
        // a dropped event never arrives: fail with the outbox's figures instead of waiting
        assertThat(outbox.stats().dropped() + outbox.stats().lost())
            .as("events the outbox dropped or lost (%s)", outbox.stats())
            .isZero();
        EventOutbox.Batch b = outbox.read(outbox.delivered(), 100);
        for (EventOutbox.Event e : b.events()) {
          seen.computeIfAbsent(e.key(), k -> new ArrayList<>()).add(seq(e));
        }
        total += b.events().size();
        outbox.markDelivered(b.next(), b.events().size());
        if (b.events().isEmpty()) {
          outbox.awaitAppend(b.next(), Duration.ofMillis(50));
        }
      }
      for (Thread t : threads) {
        t.join();
      }
      assertThat(seen).hasSize(writers);
      seen.values().forEach(s -> assertThat(s).isEqualTo(range(0, each)));
      assertThat(outbox.stats().backlog()).isZero();
    }
  }
}
