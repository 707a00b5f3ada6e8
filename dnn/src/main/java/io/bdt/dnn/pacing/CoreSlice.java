package io.bdt.dnn.pacing;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.function.LongSupplier;

/**
 * A slice of one core, a fraction in (0, 1], and how long a run takes on it: a run that took {@code
 * wall} seconds and {@code cpu} seconds of the calling thread's CPU on the host takes {@code
 * max(wall, cpu / fraction)} ({@link #runSeconds}). The gateway's compute class paces its heads by
 * it, the AP's duty cycle its one-thread tails; the CPU time comes from {@link #threadCpuNanos}.
 *
 * <p>Why CPU time and not the run's wall time: on a shared host the wall time of a run includes the
 * time it waited for a core while other services ran, and dividing that by the fraction multiplies
 * the host's contention into a processor that the system model gives to the run alone (at a quarter
 * of a core a 10 ms wait became 40 ms, at a tenth a 5 ms wait became 50 ms), so the runs that met a
 * busy host, e.g. the first of every slot, when every gateway starts at once, took several times
 * what the slice prices. The CPU time is the run's work; a run that already took longer than {@code
 * cpu / fraction} in wall time (a host so busy that the slice is slower than the part of a core the
 * run got) is not stretched further.
 *
 * <p>The calling thread's CPU time is all of the run's work only when the run is on that thread
 * alone (ONNX Runtime at one intra-op thread runs on the caller): another thread's work is not on
 * the caller's clock (docs/dpra.md, "A compute class and a share are paced on CPU time").
 *
 * @param fraction the part of one core, in (0, 1]
 */
public record CoreSlice(double fraction) {

  public CoreSlice {
    if (!(fraction > 0 && fraction <= 1)) {
      throw new IllegalArgumentException("fraction of a core must be in (0, 1], got " + fraction);
    }
  }

  /**
   * The time (seconds) on this slice of a run that took {@code wallSeconds} of wall time and {@code
   * cpuSeconds} of the calling thread's CPU: {@code max(wallSeconds, cpuSeconds / fraction)}.
   */
  public double runSeconds(double wallSeconds, double cpuSeconds) {
    return Math.max(wallSeconds, cpuSeconds / fraction);
  }

  /**
   * A clock of the calling thread's CPU time, nanoseconds, with the JVM's thread CPU time
   * measurement switched on; where the JVM cannot read it, the wall clock ({@code
   * System.nanoTime}), which makes {@link #runSeconds} the run's wall time over the fraction.
   */
  public static LongSupplier threadCpuNanos() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    if (!threads.isCurrentThreadCpuTimeSupported()) {
      return System::nanoTime;
    }
    if (!threads.isThreadCpuTimeEnabled()) {
      threads.setThreadCpuTimeEnabled(true);
    }
    return threads::getCurrentThreadCpuTime;
  }
}
