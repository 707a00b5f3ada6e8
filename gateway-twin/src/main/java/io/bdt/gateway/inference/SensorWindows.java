package io.bdt.gateway.inference;

import io.bdt.dnn.vibration.VibrationGenerator;
import io.bdt.gateway.GatewayConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Accumulates each device's samples into windows of the gateway's model's input length ({@value
 * #WINDOW} samples for the vibration classifier, a whole frame for an image model: {@link
 * #windowLength}) and queues full windows as pending inference work. The queue is bounded: when it
 * is full the oldest window is dropped (and counted), since a stale window is worth less than a
 * fresh one.
 *
 * <p>With inference on, every full window is also kept in a {@link WindowLog} ({@code
 * <dataDir>/inference/windows.log}) until its result is in its twin ({@link #done}): {@link #sync}
 * forces the windows appended so far, and the MQTT side acknowledges a message only after it
 * ({@code TelemetryIngest.whenDurable}), so a gateway killed with windows waiting for a slot or
 * running in one queues them again when it restarts. A sample run not yet a full window is held in
 * memory only: its messages are acknowledged, so a kill loses it.
 */
@ApplicationScoped
public class SensorWindows implements AutoCloseable {

  /** Samples per window: the vibration classifier's input length. */
  public static final int WINDOW = VibrationGenerator.WINDOW;

  /** Pending windows of {@value #WINDOW} samples kept at most. */
  public static final int MAX_PENDING = 1024;

  /** Pending windows kept at most whatever their length: a few slots' worth of frames. */
  static final int MIN_PENDING = 16;

  /** The log's file under the gateway's data directory. */
  public static final String LOG_FILE = "inference/windows.log";

  private int window = WINDOW;
  private int maxPending = MAX_PENDING;

  private final Map<String, float[]> partial = new HashMap<>();
  private final Map<String, Integer> filled = new HashMap<>();
  private final Deque<SensorWindow> pending = new ArrayDeque<>();
  private final WindowLog log;
  private long dropped;

  /** Windows in memory only (inference off, and tests). */
  public SensorWindows() {
    this.log = null;
  }

  /** The gateway's windows: kept in {@link #LOG_FILE} when inference is on. */
  @Inject
  public SensorWindows(GatewayConfig config) throws IOException {
    this(
        config.inference().enabled()
            ? new WindowLog(Path.of(config.dataDir()).resolve(LOG_FILE))
            : null);
  }

  /** Windows kept in the log at {@code file}: the windows without a result in it are queued. */
  public static SensorWindows durable(Path file) throws IOException {
    return new SensorWindows(new WindowLog(file));
  }

  private SensorWindows(WindowLog log) {
    this.log = log;
    if (log != null) {
      pending.addAll(log.replayed());
    }
  }

  /** Appends samples of {@code deviceId}; every completed window is queued (and logged). */
  public synchronized void append(String deviceId, float[] samples, Instant at) {
    float[] buffer = partial.computeIfAbsent(deviceId, id -> new float[window]);
    int n = filled.getOrDefault(deviceId, 0);
    for (float sample : samples) {
      buffer[n++] = sample;
      if (n == window) {
        if (pending.size() == maxPending) {
          done(pending.removeFirst());
          dropped++;
        }
        SensorWindow w = new SensorWindow(deviceId, buffer.clone(), at);
        if (log != null) {
          try {
            log.append(w);
          } catch (IOException e) {
            throw new UncheckedIOException("writing the inference window log", e);
          }
        }
        pending.addLast(w);
        n = 0;
      }
    }
    filled.put(deviceId, n);
  }

  /**
   * Sets the samples per window (the model's input length; {@value #WINDOW} until set) and drops
   * partly filled windows; the queue then holds as many values as {@link #MAX_PENDING} windows of
   * {@value #WINDOW}, and at least {@link #MIN_PENDING} windows.
   */
  public synchronized void windowLength(int samples) {
    if (samples < 1) {
      throw new IllegalArgumentException("a window needs at least 1 sample, got " + samples);
    }
    window = samples;
    maxPending = Math.max(MIN_PENDING, (int) ((long) MAX_PENDING * WINDOW / samples));
    partial.clear();
    filled.clear();
  }

  /** Forces the windows appended so far to disk (nothing to do without a log). */
  public synchronized void sync() {
    if (log != null) {
      try {
        log.sync();
      } catch (IOException e) {
        throw new UncheckedIOException("forcing the inference window log", e);
      }
    }
  }

  /**
   * Marks {@code window} done: its result is durable in its twin, or it was dropped; a restart does
   * not queue it again.
   */
  public synchronized void done(SensorWindow window) {
    if (log != null) {
      try {
        log.done(window);
      } catch (IOException e) {
        throw new UncheckedIOException("writing the inference window log", e);
      }
    }
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
   * the next slot takes them first; when that overfills the queue its newest windows beyond its
   * bound are dropped (counted in {@link #dropped()}).
   */
  public synchronized void putBack(List<SensorWindow> windows) {
    for (int i = windows.size() - 1; i >= 0; i--) {
      pending.addFirst(windows.get(i));
    }
    while (pending.size() > maxPending) {
      done(pending.removeLast());
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

  @PreDestroy
  @Override
  public synchronized void close() throws IOException {
    if (log != null) {
      log.close();
    }
  }
}
