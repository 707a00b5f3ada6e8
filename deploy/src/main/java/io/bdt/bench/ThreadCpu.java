package io.bdt.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * CPU time (ns, user + system) spent by this JVM's threads whose name matches, between a snapshot
 * and now: what a set of threads cost, whatever else the machine runs (wall-clock rates move with
 * the load; thread CPU time per message does much less).
 */
final class ThreadCpu {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final Map<Long, Long> start = new HashMap<>();

  private ThreadCpu() {}

  /** A snapshot of every live thread's CPU time. */
  static ThreadCpu snapshot() {
    if (!THREADS.isThreadCpuTimeSupported()) {
      throw new IllegalStateException("this JVM cannot measure thread CPU time");
    }
    if (!THREADS.isThreadCpuTimeEnabled()) {
      THREADS.setThreadCpuTimeEnabled(true);
    }
    ThreadCpu s = new ThreadCpu();
    for (long id : THREADS.getAllThreadIds()) {
      long ns = THREADS.getThreadCpuTime(id);
      if (ns >= 0) {
        s.start.put(id, ns);
      }
    }
    return s;
  }

  /**
   * CPU nanoseconds the threads whose current name satisfies {@code named} used since this snapshot
   * (a thread started since counts whole). Paho names its pool threads after the client id while
   * they run its receiver, sender and callback loops.
   */
  long since(Predicate<String> named) {
    long total = 0;
    for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
      if (info == null || !named.test(info.getThreadName())) {
        continue;
      }
      long ns = THREADS.getThreadCpuTime(info.getThreadId());
      if (ns >= 0) {
        total += ns - start.getOrDefault(info.getThreadId(), 0L);
      }
    }
    return total;
  }
}
