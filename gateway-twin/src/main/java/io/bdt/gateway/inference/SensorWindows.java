package io.bdt.gateway.inference;

import io.bdt.dnn.vibration.VibrationGenerator;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Accumulates each device's samples into windows of the classifier's input length ({@value #WINDOW}
 * samples) and queues full windows as pending inference work. The queue is bounded: when it is full
 * the oldest window is dropped (and counted), since a stale window is worth less than a fresh one.
 */
@ApplicationScoped
public class SensorWindows {

  /** Samples per window: the vibration classifier's input length. */
  public static final int WINDOW = VibrationGenerator.WINDOW;

  /** Pending windows kept at most. */
  public static final int MAX_PENDING = 1024;

  private final Map<String, float[]> partial = new HashMap<>();
  private final Map<String, Integer> filled = new HashMap<>();
  private final Deque<SensorWindow> pending = new ArrayDeque<>();
  private long dropped;

  /** Appends samples of {@code deviceId}; every completed window is queued. */
  public synchronized void append(String deviceId, float[] samples, Instant at) {
    float[] buffer = partial.computeIfAbsent(deviceId, id -> new float[WINDOW]);
    int n = filled.getOrDefault(deviceId, 0);
    for (float sample : samples) {
      buffer[n++] = sample;
      if (n == WINDOW) {
        if (pending.size() == MAX_PENDING) {
          pending.removeFirst();
          dropped++;
        }
        pending.addLast(new SensorWindow(deviceId, buffer.clone(), at));
        n = 0;
      }
    }
    filled.put(deviceId, n);
  }

  /** Removes and returns up to {@code max} pending windows, oldest first. */
  public synchronized List<SensorWindow> take(int max) {
    List<SensorWindow> out = new ArrayList<>(Math.min(max, pending.size()));
    while (out.size() < max && !pending.isEmpty()) {
      out.add(pending.removeFirst());
    }
    return out;
  }

  /**
   * Returns windows a slot took but could not finish to the front of the queue, in their order, so
   * the next slot takes them first; when that overfills the queue its newest windows beyond {@link
   * #MAX_PENDING} are dropped (counted in {@link #dropped()}).
   */
  public synchronized void putBack(List<SensorWindow> windows) {
    for (int i = windows.size() - 1; i >= 0; i--) {
      pending.addFirst(windows.get(i));
    }
    while (pending.size() > MAX_PENDING) {
      pending.removeLast();
      dropped++;
    }
  }

  /** Windows waiting for a slot. */
  public synchronized int pending() {
    return pending.size();
  }

  /** Windows dropped because the queue was full. */
  public synchronized long dropped() {
    return dropped;
  }
}
