package io.bdt.platform;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the platform's CloudEvents as a consumer receives them from Kafka (every {@code bdt.*}
 * topic, from when it starts), on its own thread, for the summary's events/s.
 */
final class EventCounter implements AutoCloseable {
  private final AtomicLong count = new AtomicLong();
  private volatile boolean stopped;
  private final Thread thread;

  EventCounter(String bootstrapServers) {
    thread =
        Thread.ofPlatform()
            .daemon()
            .name("event-counter")
            .start(
                () -> {
                  try (EventTail tail = new EventTail(bootstrapServers, List.of())) {
                    tail.follow(e -> count.incrementAndGet(), () -> stopped);
                  } catch (RuntimeException e) {
                    if (!stopped) {
                      System.err.println("platform: counting events stopped: " + e.getMessage());
                    }
                  }
                });
  }

  /** Events received so far. */
  long count() {
    return count.get();
  }

  @Override
  public void close() {
    stopped = true;
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
