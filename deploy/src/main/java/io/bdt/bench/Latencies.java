package io.bdt.bench;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Latencies (µs) of the messages seen during a measured window: each fleet payload carries its send
 * time ({@code sentAtMicros}, epoch µs; the publisher JVM and this one read the same clock), and
 * the time it is seen here (twin updated, or delivered to a bare subscriber) minus that is one
 * sample. Outside a window nothing is kept.
 */
final class Latencies {
  private static final byte[] FIELD = "\"sentAtMicros\":".getBytes(StandardCharsets.US_ASCII);

  private long[] samples = new long[1 << 16];
  private int size;
  private boolean recording;

  /** Forgets what was kept and records from now on. */
  synchronized void start() {
    size = 0;
    recording = true;
  }

  /** Records one message sent at {@code sentAtMicros} (ignored when negative: no send time). */
  void record(long sentAtMicros) {
    if (sentAtMicros < 0) {
      return;
    }
    Instant now = Instant.now();
    long micros = now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000 - sentAtMicros;
    synchronized (this) {
      if (!recording) {
        return;
      }
      if (size == samples.length) {
        samples = Arrays.copyOf(samples, size * 2);
      }
      samples[size++] = micros;
    }
  }

  /**
   * Stops recording; returns {@code latencySamples} and, when there were any, {@code
   * latencyP50Micros}, {@code latencyP99Micros} and {@code latencyMaxMicros}.
   */
  synchronized Map<String, Object> stop() {
    recording = false;
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("latencySamples", size);
    if (size > 0) {
      long[] sorted = Arrays.copyOf(samples, size);
      Arrays.sort(sorted);
      r.put("latencyP50Micros", percentile(sorted, 0.50));
      r.put("latencyP99Micros", percentile(sorted, 0.99));
      r.put("latencyMaxMicros", sorted[size - 1]);
    }
    return r;
  }

  /** Nearest-rank percentile of sorted samples. */
  static long percentile(long[] sorted, double p) {
    int rank = (int) Math.ceil(p * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  /** The {@code sentAtMicros} member of a JSON payload, without parsing the rest; -1 if none. */
  static long sentAtMicros(byte[] payload) {
    outer:
    for (int i = 0; i + FIELD.length < payload.length; i++) {
      for (int j = 0; j < FIELD.length; j++) {
        if (payload[i + j] != FIELD[j]) {
          continue outer;
        }
      }
      long v = 0;
      int k = i + FIELD.length;
      if (k >= payload.length || payload[k] < '0' || payload[k] > '9') {
        return -1;
      }
      while (k < payload.length && payload[k] >= '0' && payload[k] <= '9') {
        v = v * 10 + (payload[k++] - '0');
      }
      return v;
    }
    return -1;
  }
}
