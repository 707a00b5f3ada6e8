package io.bdt.gateway.twin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TwinStoreTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");

  @TempDir Path dir;

  private static ObjectNode json(String text) throws IOException {
    return (ObjectNode) JSON.readTree(text);
  }

  /** A clock that advances one second per read, so every event has its own instant. */
  private static Clock ticking() {
    return new Clock() {
      private Instant now = T0;

      @Override
      public synchronized Instant instant() {
        Instant at = now;
        now = now.plusSeconds(1);
        return at;
      }

      @Override
      public java.time.ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }
    };
  }

  /** The journal segment being appended to (the store has not checkpointed in these tests). */
  private Path lastSegment() throws IOException {
    List<Long> segments = TwinJournal.segments(dir);
    return TwinJournal.segmentFile(dir, segments.get(segments.size() - 1));
  }

  @Test
  void stateAndHistorySurviveARestart() throws IOException {
    try (TwinStore store = TwinStore.open(dir, ticking(), 5)) {
      store.apply(
          "bdt:pump-1",
          new TwinUpdate.Replace(json("{\"attributes\":{\"location\":\"hall-1\"}}")),
          true);
      store.apply(
          "bdt:pump-1",
          new TwinUpdate.ReportProperties("telemetry", json("{\"rpm\":1500}")),
          false);
      store.apply(
          "bdt:pump-1",
          new TwinUpdate.ReportProperties("telemetry", json("{\"rpm\":1510}")),
          false);
    }
    try (TwinStore reopened = TwinStore.open(dir, ticking(), 5)) {
      Twin twin = reopened.get("bdt:pump-1").orElseThrow();
      assertThat(twin.revision()).isEqualTo(3);
      assertThat(twin.attributes().get("location").asText()).isEqualTo("hall-1");
      assertThat(twin.features().get("telemetry").properties().get("rpm").asInt()).isEqualTo(1510);
      List<TwinEvent> history =
          reopened.history("bdt:pump-1", Instant.EPOCH, T0.plusSeconds(100), 100);
      assertThat(history).extracting(TwinEvent::revision).containsExactly(1L, 2L, 3L);
      assertThat(history.get(0)).isInstanceOf(TwinEvent.Created.class);
    }
  }

  @Test
  void historyReturnsOnlyEventsInsideTheTimeRange() throws IOException {
    try (TwinStore store = TwinStore.open(dir, ticking(), 5)) {
      for (int i = 0; i < 5; i++) {
        store.apply(
            "bdt:fan",
            new TwinUpdate.ReportProperties("telemetry", json("{\"i\":" + i + "}")),
            false);
      }
      // events at T0, T0+1s, ..., T0+4s
      List<TwinEvent> middle = store.history("bdt:fan", T0.plusSeconds(1), T0.plusSeconds(3), 100);
      assertThat(middle).extracting(TwinEvent::revision).containsExactly(2L, 3L, 4L);
      assertThat(store.history("bdt:fan", T0, T0.plusSeconds(10), 2)).hasSize(2);
    }
  }

  @Test
  void aTornLastRecordIsDroppedAndEarlierRecordsKept() throws IOException {
    try (TwinStore store = TwinStore.open(dir, ticking(), 5)) {
      store.apply("bdt:m", new TwinUpdate.ReportProperties("telemetry", json("{\"a\":1}")), true);
      store.apply("bdt:m", new TwinUpdate.ReportProperties("telemetry", json("{\"a\":2}")), true);
    }
    Path journal = lastSegment();
    long size = Files.size(journal);
    // a crash in the middle of the last record: keep its header and half its body
    try (FileChannel ch = FileChannel.open(journal, StandardOpenOption.WRITE)) {
      ch.truncate(size - 20);
    }
    try (TwinStore reopened = TwinStore.open(dir, ticking(), 5)) {
      Twin twin = reopened.get("bdt:m").orElseThrow();
      assertThat(twin.revision()).isEqualTo(1);
      assertThat(twin.features().get("telemetry").properties().get("a").asInt()).isEqualTo(1);
      // the store keeps working after the repair
      reopened.apply(
          "bdt:m", new TwinUpdate.ReportProperties("telemetry", json("{\"a\":3}")), true);
    }
    try (TwinStore again = TwinStore.open(dir, ticking(), 5)) {
      assertThat(again.get("bdt:m").orElseThrow().revision()).isEqualTo(2);
    }
  }

  @Test
  void aRecordWithACorruptChecksumEndsTheReplay() throws IOException {
    try (TwinStore store = TwinStore.open(dir, ticking(), 5)) {
      store.apply("bdt:m", new TwinUpdate.ReportProperties("f", json("{\"a\":1}")), true);
      store.apply("bdt:m", new TwinUpdate.ReportProperties("f", json("{\"a\":2}")), true);
    }
    Path journal = lastSegment();
    long size = Files.size(journal);
    try (FileChannel ch = FileChannel.open(journal, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {'X'}), size - 3);
    }
    try (TwinStore reopened = TwinStore.open(dir, ticking(), 5)) {
      assertThat(reopened.get("bdt:m").orElseThrow().revision()).isEqualTo(1);
    }
  }

  @Test
  void anInvalidUpdateChangesNothingAndKeepsTheRevision() throws IOException {
    try (TwinStore store = TwinStore.open(dir, ticking(), 5)) {
      store.apply("bdt:m", new TwinUpdate.Replace(json("{\"attributes\":{\"a\":1}}")), true);
      long bytes = store.journalBytes();
      assertThatThrownBy(
              () ->
                  store.apply(
                      "bdt:m",
                      new TwinUpdate.MergePatch(json("{\"features\":{\"bad id!\":{}}}")),
                      true))
          .isInstanceOf(InvalidTwinException.class)
          .hasMessageContaining("features.bad id!");
      assertThat(store.get("bdt:m").orElseThrow().revision()).isEqualTo(1);
      assertThat(store.journalBytes()).isEqualTo(bytes);
    }
  }

  @Test
  void deletedTwinsStayDeletedAfterRestartButKeepTheirHistory() throws IOException {
    try (TwinStore store = TwinStore.open(dir, ticking(), 5)) {
      store.apply("bdt:gone", new TwinUpdate.Replace(json("{}")), true);
      assertThat(store.delete("bdt:gone")).isPresent();
      assertThat(store.delete("bdt:gone")).isEmpty();
    }
    try (TwinStore reopened = TwinStore.open(dir, ticking(), 5)) {
      assertThat(reopened.get("bdt:gone")).isEmpty();
      assertThat(reopened.history("bdt:gone", Instant.EPOCH, T0.plus(Duration.ofDays(1)), 10))
          .hasSize(2);
    }
  }

  @Test
  void listenersSeeEveryAcceptedEvent() throws IOException {
    try (TwinStore store = TwinStore.open(dir, ticking(), 5)) {
      List<TwinEvent> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
      store.subscribe(seen::add);
      store.apply("bdt:a", new TwinUpdate.ReportProperties("f", json("{\"x\":1}")), false);
      store.apply("bdt:a", new TwinUpdate.ReportProperties("f", json("{\"x\":2}")), false);
      assertThat(seen).extracting(TwinEvent::revision).containsExactly(1L, 2L);
    }
  }

  /**
   * An acknowledgement runs once the update it follows is written and forced, without waiting for
   * the flush interval (an hour here: the waiter itself has the journal forced), in order; and at
   * once when nothing is pending.
   */
  @Test
  void whenDurableRunsOnceTheUpdatesBeforeItAreForcedWithoutWaitingForTheInterval()
      throws Exception {
    try (TwinStore store = TwinStore.open(dir, ticking(), 3_600_000)) {
      List<String> ran = new java.util.concurrent.CopyOnWriteArrayList<>();
      store.apply("bdt:a", new TwinUpdate.ReportProperties("f", json("{\"x\":1}")), false);
      long firstEnd = store.journalBytes();
      store.whenDurable(() -> ran.add("first, journal on disk: " + (journalOnDisk() >= firstEnd)));
      store.apply("bdt:a", new TwinUpdate.ReportProperties("f", json("{\"x\":2}")), false);
      long secondEnd = store.journalBytes();
      store.whenDurable(
          () -> ran.add("second, journal on disk: " + (journalOnDisk() >= secondEnd)));
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (ran.size() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(ran)
          .containsExactly("first, journal on disk: true", "second, journal on disk: true");
      store.whenDurable(() -> ran.add("nothing pending"));
      // at once on this thread, or (if the flush thread is still leaving its loop) right after
      while (ran.size() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(ran).endsWith("nothing pending");
    }
  }

  @Test
  void anActionWhoseUpdatesAreAlreadyDurableWaitsForTheEarlierActionsStillRunning()
      throws Exception {
    try (TwinStore store = TwinStore.open(dir, ticking(), 3_600_000)) {
      List<String> ran = new java.util.concurrent.CopyOnWriteArrayList<>();
      var firstStarted = new java.util.concurrent.CountDownLatch(1);
      var releaseFirst = new java.util.concurrent.CountDownLatch(1);
      store.apply("bdt:a", new TwinUpdate.ReportProperties("f", json("{\"x\":1}")), false);
      store.whenDurable(
          () -> {
            firstStarted.countDown();
            try {
              releaseFirst.await(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            ran.add("first");
          });
      assertThat(firstStarted.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      // the journal is forced now and the flush thread is inside the first action: the second
      // action's updates are durable, but it must not overtake the first (an out-of-order PUBACK)
      store.whenDurable(() -> ran.add("second"));
      assertThat(ran).isEmpty();
      releaseFirst.countDown();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (ran.size() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(ran).containsExactly("first", "second");
    }
  }

  /** Bytes in the journal's segment files now. */
  private long journalOnDisk() {
    try (var files = Files.list(dir)) {
      return files
          .filter(f -> f.getFileName().toString().startsWith("journal-"))
          .mapToLong(
              f -> {
                try {
                  return Files.size(f);
                } catch (IOException e) {
                  return 0;
                }
              })
          .sum();
    } catch (IOException e) {
      return 0;
    }
  }

  @Test
  void whenDurableActionsStillWaitingRunWhenTheStoreClosesAfterItsFinalFlush() throws IOException {
    List<String> ran = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (TwinStore store = TwinStore.open(dir, ticking(), 3_600_000)) {
      store.apply("bdt:a", new TwinUpdate.ReportProperties("f", json("{\"x\":1}")), false);
      store.whenDurable(() -> ran.add("acked"));
      assertThat(ran).isEmpty();
    }
    assertThat(ran).containsExactly("acked");
    try (TwinStore reopened = TwinStore.open(dir, ticking(), 5)) {
      assertThat(reopened.get("bdt:a").orElseThrow().revision()).isEqualTo(1);
    }
  }

  @Test
  @org.junit.jupiter.api.Timeout(60)
  void listenersSeeOneTwinsRevisionsInOrderWhenRestAndTelemetryWriteAtOnce() throws Exception {
    try (TwinStore store = TwinStore.open(dir, ticking(), 5)) {
      List<Long> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
      store.subscribe(
          e -> {
            seen.add(e.revision());
            Thread.yield(); // widen the window in which a later writer could overtake
          });
      List<Thread> writers = new java.util.ArrayList<>();
      for (int w = 0; w < 4; w++) {
        boolean durable = w % 2 == 0; // REST writes are forced before their listeners run
        writers.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      for (int i = 0; i < 200; i++) {
                        try {
                          store.apply(
                              "bdt:a",
                              new TwinUpdate.ReportProperties("f", json("{\"x\":" + i + "}")),
                              durable);
                        } catch (IOException e) {
                          throw new java.io.UncheckedIOException(e);
                        }
                      }
                    }));
      }
      for (Thread t : writers) {
        t.join();
      }
      List<Long> expected = java.util.stream.LongStream.rangeClosed(1, 800).boxed().toList();
      assertThat(seen).isEqualTo(expected);
    }
  }
}
