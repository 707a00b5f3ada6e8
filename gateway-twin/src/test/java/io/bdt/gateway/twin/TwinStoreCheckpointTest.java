package io.bdt.gateway.twin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints, journal compaction and history retention of {@link TwinStore}. */
class TwinStoreCheckpointTest {

  @TempDir Path dir;

  private static TwinUpdate report(long n) {
    return new TwinUpdate.ReportProperties(
        "telemetry", JsonNodeFactory.instance.objectNode().put("n", n));
  }

  @Test
  void aCheckpointDeletesOlderJournalSegmentsAndRestartKeepsEverything() throws IOException {
    TwinStoreOptions options = TwinStoreOptions.defaults(5); // no checkpoint but ours
    try (TwinStore store = TwinStore.open(dir, Clock.systemUTC(), options)) {
      for (int i = 0; i < 300; i++) {
        store.apply("bdt:c" + (i % 10), report(i), false);
        if (i == 150) {
          store.checkpoint();
          assertThat(TwinJournal.segments(dir)).hasSize(1);
        }
      }
      store.checkpoint();
      store.apply("bdt:c0", report(300), true); // only in the journal after the checkpoint
      assertThat(store.stats().checkpoints()).isEqualTo(2);
    }
    assertThat(TwinJournal.segments(dir)).hasSize(1);
    try (TwinStore reopened = TwinStore.open(dir, Clock.systemUTC(), options)) {
      assertThat(reopened.size()).isEqualTo(10);
      Twin c0 = reopened.get("bdt:c0").orElseThrow();
      assertThat(c0.revision()).isEqualTo(31);
      assertThat(c0.features().get("telemetry").properties().get("n").asLong()).isEqualTo(300);
      List<TwinEvent> history =
          reopened.history("bdt:c0", Instant.EPOCH, Instant.now().plusSeconds(5), 1000);
      assertThat(history).extracting(TwinEvent::revision).hasSize(31).startsWith(1L).endsWith(31L);
    }
  }

  @Test
  void historyKeepsAtMostTheConfiguredNumberOfEventsPerTwin() throws IOException {
    TwinStoreOptions options = TwinStoreOptions.defaults(5).withHistory(5, Duration.ofDays(1));
    try (TwinStore store = TwinStore.open(dir, Clock.systemUTC(), options)) {
      for (int i = 0; i < 12; i++) {
        store.apply("bdt:h", report(i), false);
      }
      List<TwinEvent> history =
          store.history("bdt:h", Instant.EPOCH, Instant.now().plusSeconds(5), 100);
      assertThat(history).extracting(TwinEvent::revision).containsExactly(8L, 9L, 10L, 11L, 12L);
      assertThat(store.stats().historyTrimmed()).isEqualTo(7);
    }
  }

  @Test
  void historyOlderThanTheMaximumAgeIsRemovedWhenTheTwinChanges() throws IOException {
    Instant t0 = Instant.parse("2026-11-24T10:00:00Z");
    SettableClock clock = new SettableClock(t0);
    TwinStoreOptions options = TwinStoreOptions.defaults(5).withHistory(100, Duration.ofHours(1));
    try (TwinStore store = TwinStore.open(dir, clock, options)) {
      store.apply("bdt:a", report(1), false);
      store.apply("bdt:a", report(2), false);
      clock.set(t0.plus(Duration.ofMinutes(90)));
      store.apply("bdt:a", report(3), false);
      assertThat(store.history("bdt:a", Instant.EPOCH, t0.plus(Duration.ofDays(1)), 100))
          .extracting(TwinEvent::revision)
          .containsExactly(3L);
    }
  }

  /**
   * A child process writes durable updates and checkpoints (rotation, table commit, segment
   * deletion, compaction) in a loop and is killed with SIGKILL at a random moment, three times:
   * every update it had acknowledged is in the reopened store, with its history entry.
   */
  @Test
  @Timeout(180)
  void killDuringCheckpointAndCompactionLosesNoAcknowledgedUpdate() throws Exception {
    Map<String, Long> acked = new HashMap<>();
    for (int round = 0; round < 3; round++) {
      Process child =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  TwinStoreCrashChild.class.getName(),
                  dir.toString())
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      int target = 200 + ThreadLocalRandom.current().nextInt(300);
      int seen = 0;
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = out.readLine()) != null) {
          if (line.startsWith("acked ")) {
            String[] parts = line.split(" ");
            acked.merge(parts[1], Long.parseLong(parts[2]), Math::max);
            if (++seen == target) {
              child.destroyForcibly(); // SIGKILL: no shutdown hook, no close
              break;
            }
          }
        }
      }
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(seen).isGreaterThanOrEqualTo(target);
      try (TwinStore reopened = TwinStore.open(dir, Clock.systemUTC(), 5)) {
        for (Map.Entry<String, Long> e : acked.entrySet()) {
          Twin twin = reopened.get(e.getKey()).orElseThrow();
          assertThat(twin.revision()).as(e.getKey()).isGreaterThanOrEqualTo(e.getValue());
          List<TwinEvent> history =
              reopened.history(e.getKey(), Instant.EPOCH, Instant.now().plusSeconds(5), 10_000);
          assertThat(history)
              .as("history of " + e.getKey())
              .extracting(TwinEvent::revision)
              .contains(e.getValue());
        }
      }
    }
  }
}
