package io.bdt.gateway.twin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The history layout of {@link TwinHistory}: retention, replay, the sweep and migration. */
@Timeout(60)
class TwinHistoryTest {

  private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");

  @TempDir Path dir;

  private static TwinUpdate report(long n) {
    return new TwinUpdate.ReportProperties(
        "telemetry", JsonNodeFactory.instance.objectNode().put("n", n));
  }

  private static List<Long> revisions(TwinStore store, String thing) {
    return store.history(thing, Instant.EPOCH, T0.plus(Duration.ofDays(2)), 1000).stream()
        .map(TwinEvent::revision)
        .toList();
  }

  @Test
  void eachTwinKeepsItsNewestEventsWhenManyTwinsInterleaveAndAfterARestart() throws IOException {
    TwinStoreOptions options = TwinStoreOptions.defaults(5).withHistory(5, Duration.ofDays(1));
    try (TwinStore store = TwinStore.open(dir, Clock.fixed(T0, ZoneOffset.UTC), options)) {
      for (int i = 0; i < 60; i++) {
        store.apply("bdt:i" + (i % 3), report(i), false); // 20 events per twin, interleaved
      }
      for (int t = 0; t < 3; t++) {
        assertThat(revisions(store, "bdt:i" + t)).containsExactly(16L, 17L, 18L, 19L, 20L);
      }
      assertThat(store.stats().historyEntries()).isEqualTo(15);
      assertThat(store.stats().historyTrimmed()).isEqualTo(45);
      store.checkpoint();
      store.apply("bdt:i0", report(60), true); // only in the journal
    }
    try (TwinStore reopened = TwinStore.open(dir, Clock.fixed(T0, ZoneOffset.UTC), options)) {
      assertThat(revisions(reopened, "bdt:i0")).containsExactly(17L, 18L, 19L, 20L, 21L);
      assertThat(revisions(reopened, "bdt:i2")).containsExactly(16L, 17L, 18L, 19L, 20L);
      assertThat(reopened.stats().historyEntries()).isEqualTo(15);
    }
  }

  @Test
  void recordingTheSameJournalRecordsAgainChangesNothing() throws IOException {
    TwinStoreOptions options = TwinStoreOptions.defaults(5).withHistory(3, Duration.ofDays(1));
    Path file = dir.resolve("twins.mv.db");
    try (TwinTables tables = TwinTables.open(file, options)) {
      Twin before = null;
      List<TwinEvent> events = new java.util.ArrayList<>();
      for (int i = 0; i < 5; i++) {
        Twin next = TwinRules.apply(before, "bdt:r", report(i), T0.plusSeconds(i));
        TwinEvent event =
            before == null ? new TwinEvent.Created(next) : new TwinEvent.Modified(next, "report");
        tables.record(event, TwinCodec.encode(event), 1000 + i, before);
        events.add(event);
        before = next;
      }
      long trimmed = tables.historyTrimmed();
      for (int i = 0; i < events.size(); i++) { // a replay over tables that already hold them
        tables.replay(new TwinJournal.Entry(1000 + i, TwinCodec.toBytes(events.get(i))));
      }
      assertThat(tables.historySize()).isEqualTo(3);
      assertThat(tables.events("bdt:r", 0, Long.MAX_VALUE, 100))
          .extracting(TwinEvent::revision)
          .containsExactly(3L, 4L, 5L);
      assertThat(tables.twin("bdt:r", false).orElseThrow().revision()).isEqualTo(5);
      // the replayed older records were each written and trimmed again: counted, not kept
      assertThat(tables.historyTrimmed()).isGreaterThanOrEqualTo(trimmed);
    }
  }

  @Test
  void oneEventTrimsItsTwinByCountAndAgeTogetherAndLeavesTheNeighbouringTwinsAlone()
      throws IOException {
    SettableClock clock = new SettableClock(T0);
    TwinStoreOptions options = TwinStoreOptions.defaults(5).withHistory(3, Duration.ofHours(1));
    try (TwinStore store = TwinStore.open(dir, clock, options)) {
      store.apply("bdt:s", report(0), false); // ids that sort just before and after bdt:t
      store.apply("bdt:t0", report(0), false);
      for (int minute = 0; minute <= 20; minute += 10) {
        clock.set(T0.plus(Duration.ofMinutes(minute)));
        store.apply("bdt:t", report(minute), false);
      }
      clock.set(T0.plus(Duration.ofMinutes(75)));
      store.apply("bdt:t", report(75), false); // the 4th (count) and minute 10 (age) go

      assertThat(revisions(store, "bdt:t")).containsExactly(3L, 4L);
      assertThat(revisions(store, "bdt:s")).containsExactly(1L);
      assertThat(revisions(store, "bdt:t0")).containsExactly(1L);
      assertThat(store.stats().historyTrimmed()).isEqualTo(2);
      assertThat(store.stats().historyEntries()).isEqualTo(4);
    }
  }

  @Test
  void theAgeSweepRemovesOldEventsOfTwinsThatNoLongerChange() throws IOException {
    SettableClock clock = new SettableClock(T0);
    TwinStoreOptions options = TwinStoreOptions.defaults(5).withHistory(100, Duration.ofHours(1));
    try (TwinStore store = TwinStore.open(dir, clock, options)) {
      store.apply("bdt:quiet-a", report(1), false);
      store.apply("bdt:quiet-b", report(1), false);
      store.apply("bdt:quiet-a", report(2), false);
      clock.set(T0.plus(Duration.ofMinutes(50)));
      store.apply("bdt:busy", report(1), false);
      clock.set(T0.plus(Duration.ofMinutes(90)));
      store.apply("bdt:busy", report(2), false);

      assertThat(store.tables().sweepHistory(clock.millis())).isEqualTo(3);

      assertThat(revisions(store, "bdt:quiet-a")).isEmpty();
      assertThat(revisions(store, "bdt:quiet-b")).isEmpty();
      assertThat(revisions(store, "bdt:busy")).containsExactly(1L, 2L);
      assertThat(store.stats().historyEntries()).isEqualTo(2);
      assertThat(store.stats().historyTrimmed()).isEqualTo(3);
      assertThat(store.tables().sweepHistory(clock.millis())).isZero();
    }
  }

  /** Writes a store as the gateway did before layout 2: event JSON under {@code id NUL stamp}. */
  private void writeLayout1Store(Path file, List<TwinEvent> events) {
    MVStore mv = new MVStore.Builder().fileName(file.toString()).compress().open();
    MVMap<String, byte[]> twins = mv.openMap("twins");
    MVMap<String, byte[]> history = mv.openMap("history");
    MVMap<String, Long> meta = mv.openMap("meta");
    long seq = 0;
    for (TwinEvent event : events) {
      twins.put(event.thingId(), TwinCodec.twinBytes(((TwinEvent.Modified) event).twin()));
      history.put(
          event.thingId() + '\0' + String.format("%016x%016x", event.at().toEpochMilli(), seq++),
          TwinCodec.toBytes(event));
    }
    meta.put("replayFrom", 1L); // no journal segment to replay
    mv.commit();
    mv.close();
  }

  @Test
  void aStoreOfTheFormerHistoryLayoutIsMigratedWhenOpened() throws IOException {
    List<TwinEvent> events = new java.util.ArrayList<>();
    Twin twin = TwinRules.apply(null, "bdt:old", report(0), T0);
    for (int i = 1; i <= 4; i++) {
      twin = TwinRules.apply(twin, "bdt:old", report(i), T0.plusSeconds(i));
      events.add(new TwinEvent.Modified(twin, "report"));
    }
    writeLayout1Store(dir.resolve("twins.mv.db"), events);

    Clock later = Clock.fixed(T0.plusSeconds(10), ZoneOffset.UTC);
    try (TwinStore store = TwinStore.open(dir, later, 5)) {
      assertThat(revisions(store, "bdt:old")).containsExactly(2L, 3L, 4L, 5L);
      assertThat(store.history("bdt:old", T0.plusSeconds(2), T0.plusSeconds(3), 10))
          .extracting(TwinEvent::revision)
          .containsExactly(3L, 4L);
      assertThat(store.get("bdt:old").orElseThrow().revision()).isEqualTo(5);
      store.apply("bdt:old", report(9), true);
      assertThat(revisions(store, "bdt:old")).containsExactly(2L, 3L, 4L, 5L, 6L);
    }
    MVStore mv = new MVStore.Builder().fileName(dir.resolve("twins.mv.db").toString()).open();
    try {
      assertThat(mv.hasMap(TwinHistory.LAYOUT_1_MAP)).isFalse();
      assertThat(mv.<String, Long>openMap("meta").get(TwinHistory.LAYOUT_KEY))
          .isEqualTo(TwinHistory.LAYOUT);
    } finally {
      mv.close();
    }
  }

  @Test
  void aStoreOfAnUnknownHistoryLayoutIsRefusedSayingWhich() {
    MVStore mv = new MVStore.Builder().fileName(dir.resolve("twins.mv.db").toString()).open();
    mv.<String, Long>openMap("meta").put(TwinHistory.LAYOUT_KEY, 3L);
    mv.commit();
    mv.close();

    assertThatThrownBy(() -> TwinStore.open(dir, Clock.systemUTC(), 5))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("history layout 3")
        .hasMessageContaining("reads layout 2");
  }
}
