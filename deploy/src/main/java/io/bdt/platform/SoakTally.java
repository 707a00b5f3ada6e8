package io.bdt.platform;

import com.fasterxml.jackson.databind.JsonNode;
import io.bdt.gateway.twin.Twin;
import io.bdt.gateway.twin.TwinEvent;
import io.bdt.gateway.twin.TwinStore;
import io.bdt.gateway.twin.TwinStoreOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a soak run lost, counted after it: every window the broker acked for a device (the fleet's
 * {@code seq}) must be in its twin's history (read from the stopped gateway's data directory);
 * every history entry of a device twin must have its CloudEvent in Kafka (subject and revision);
 * every window in a twin must have an inference result ({@code health.windowClosedAt} is the
 * window's {@code ts}).
 */
final class SoakTally {

  /** Every history entry of a soak run stays (the gateway's default keeps 1,000 per twin). */
  static final int HISTORY = 10_000_000;

  /**
   * @param telemetrySent windows the broker acked
   * @param telemetryInTwins of those, found in their twin's history
   * @param telemetryDuplicates history entries repeating a window already there (QoS 1 redelivery)
   * @param twinEvents history entries of the device twins
   * @param eventsInKafka of those, found in Kafka
   * @param tasks windows in the twins (each one inference task)
   * @param tasksWithResult of those, with a result in the twin's history
   * @param revisionGaps revisions missing from a twin's history (should be none)
   * @param lostExamples a few lost items by kind, for the report
   */
  record Totals(
      long telemetrySent,
      long telemetryInTwins,
      long telemetryDuplicates,
      long twinEvents,
      long eventsInKafka,
      long tasks,
      long tasksWithResult,
      List<String> revisionGaps,
      Map<String, List<String>> lostExamples) {

    long telemetryLost() {
      return telemetrySent - telemetryInTwins;
    }

    long eventsLost() {
      return twinEvents - eventsInKafka;
    }

    long tasksLost() {
      return tasks - tasksWithResult;
    }
  }

  private long sent;
  private long inTwins;
  private long duplicates;
  private long twinEvents;
  private long eventsInKafka;
  private long tasks;
  private long tasksWithResult;
  private final List<String> revisionGaps = new ArrayList<>();
  private final Map<String, List<String>> examples = new TreeMap<>();

  /**
   * Counts one gateway's devices from its stopped twin store at {@code twinsDir} against what the
   * fleet had acked and the events in Kafka ({@code subject@revision}).
   */
  void count(
      Path twinsDir,
      List<SensorFleet.Device> devices,
      SensorFleet fleet,
      Set<String> kafkaEvents,
      String namespace)
      throws IOException {
    try (TwinStore twins =
        TwinStore.open(
            twinsDir,
            Clock.systemUTC(),
            TwinStoreOptions.defaults(10).withHistory(HISTORY, Duration.ofDays(365)))) {
      for (SensorFleet.Device d : devices) {
        countDevice(twins, namespace + ":" + d.id(), fleet.acked(d.id()), kafkaEvents);
      }
    }
  }

  private void countDevice(
      TwinStore twins, String thing, NavigableMap<Long, Long> acked, Set<String> kafkaEvents) {
    List<TwinEvent> history =
        twins.history(thing, Instant.EPOCH, Instant.now().plusSeconds(60), Integer.MAX_VALUE);
    Set<Long> seqs = new HashSet<>();
    Set<Long> results = new HashSet<>(); // ts of windows with a result
    long expected = -1;
    for (TwinEvent event : history) {
      if (expected >= 0 && event.revision() != expected) {
        revisionGaps.add(thing + ": revision " + event.revision() + " after " + (expected - 1));
      }
      expected = event.revision() + 1;
      twinEvents++;
      if (kafkaEvents.contains(thing + "@" + event.revision())) {
        eventsInKafka++;
      } else {
        example("events", thing + "@" + event.revision());
      }
      Twin twin = snapshot(event);
      if (twin == null) {
        continue;
      }
      JsonNode seq = properties(twin, "telemetry").path("seq");
      boolean telemetry =
          event instanceof TwinEvent.Created
              || event instanceof TwinEvent.Modified m && m.cause().equals("report:telemetry");
      if (!seq.isMissingNode() && !seqs.add(seq.asLong()) && telemetry) {
        duplicates++;
      }
      JsonNode closed = properties(twin, "health").path("windowClosedAt");
      if (!closed.isMissingNode()) {
        results.add(Instant.parse(closed.asText()).toEpochMilli());
      }
    }
    for (Map.Entry<Long, Long> window : acked.entrySet()) {
      sent++;
      if (seqs.contains(window.getKey())) {
        inTwins++;
        tasks++;
        if (results.contains(window.getValue())) {
          tasksWithResult++;
        } else {
          example("tasks", thing + " seq " + window.getKey());
        }
      } else {
        example("telemetry", thing + " seq " + window.getKey());
      }
    }
  }

  private void example(String kind, String what) {
    example(examples, kind, what);
  }

  /** Adds {@code what} to {@code examples}' list of {@code kind}, up to 20 of a kind. */
  static void example(Map<String, List<String>> examples, String kind, String what) {
    List<String> list = examples.computeIfAbsent(kind, k -> new ArrayList<>());
    if (list.size() < 20) {
      list.add(what);
    }
  }

  private static Twin snapshot(TwinEvent event) {
    return switch (event) {
      case TwinEvent.Created c -> c.twin();
      case TwinEvent.Modified m -> m.twin();
      case TwinEvent.Deleted d -> null;
    };
  }

  private static JsonNode properties(Twin twin, String feature) {
    return twin.features().containsKey(feature)
        ? twin.features().get(feature).properties()
        : com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  Totals totals() {
    return new Totals(
        sent,
        inTwins,
        duplicates,
        twinEvents,
        eventsInKafka,
        tasks,
        tasksWithResult,
        List.copyOf(revisionGaps),
        Map.copyOf(examples));
  }
}
