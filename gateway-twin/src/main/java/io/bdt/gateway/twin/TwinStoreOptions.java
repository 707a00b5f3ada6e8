package io.bdt.gateway.twin;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the twin store bounds its resources: group-commit interval, checkpoint trigger, history
 * retention, the decoded-twin cache and the search indexes.
 *
 * @param syncIntervalMillis how often buffered telemetry updates are forced to disk, ms
 * @param checkpointBytes journal bytes after which the state tables are checkpointed and older
 *     journal segments deleted (bounds replay on restart and the unsaved state in memory)
 * @param historyPerTwin events kept per twin (older ones are removed when a new one is recorded)
 * @param historyMaxAge events older than this are removed (on the twin's next event and by a sweep
 *     every {@code historyMaxAge / 10}, at least a minute)
 * @param cachedTwins decoded twins kept in memory (least recently used beyond that are re-read)
 * @param cacheMegabytes page cache of the state tables, MiB
 * @param indexedPaths twin paths with an equality index for search (e.g. {@code attributes/site})
 */
public record TwinStoreOptions(
    long syncIntervalMillis,
    long checkpointBytes,
    int historyPerTwin,
    Duration historyMaxAge,
    int cachedTwins,
    int cacheMegabytes,
    List<String> indexedPaths) {

  public TwinStoreOptions {
    Objects.requireNonNull(historyMaxAge, "historyMaxAge");
    indexedPaths = List.copyOf(indexedPaths);
    require(syncIntervalMillis > 0, "syncIntervalMillis must be > 0, got " + syncIntervalMillis);
    require(checkpointBytes >= 4096, "checkpointBytes must be >= 4096, got " + checkpointBytes);
    require(historyPerTwin >= 1, "historyPerTwin must be >= 1, got " + historyPerTwin);
    require(
        !historyMaxAge.isNegative() && !historyMaxAge.isZero(),
        "historyMaxAge must be > 0, got " + historyMaxAge);
    require(cachedTwins >= 0, "cachedTwins must be >= 0, got " + cachedTwins);
    require(cacheMegabytes >= 1, "cacheMegabytes must be >= 1, got " + cacheMegabytes);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  /** The defaults of docs/gateway-twin.md ("Configuration") with this sync interval. */
  public static TwinStoreOptions defaults(long syncIntervalMillis) {
    return new TwinStoreOptions(
        syncIntervalMillis,
        32L << 20,
        1000,
        Duration.ofDays(30),
        10_000,
        64,
        List.of("attributes/site"));
  }

  /** These options with another checkpoint trigger. */
  public TwinStoreOptions withCheckpointBytes(long bytes) {
    return new TwinStoreOptions(
        syncIntervalMillis,
        bytes,
        historyPerTwin,
        historyMaxAge,
        cachedTwins,
        cacheMegabytes,
        indexedPaths);
  }

  /** These options with another history retention. */
  public TwinStoreOptions withHistory(int perTwin, Duration maxAge) {
    return new TwinStoreOptions(
        syncIntervalMillis,
        checkpointBytes,
        perTwin,
        maxAge,
        cachedTwins,
        cacheMegabytes,
        indexedPaths);
  }
}
