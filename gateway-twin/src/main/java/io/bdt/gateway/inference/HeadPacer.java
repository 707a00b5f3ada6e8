package io.bdt.gateway.inference;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.TimeUnit;

/**
 * Makes a head run on the host take as long as on a gateway of compute class {@code scale} (a
 * fraction of one host core, in (0, 1]): the run's CPU time on the calling thread divided by the
 * class, by sleeping after the run for what is left of it (seconds in, nanoseconds on the clocks).
 *
 * <p>Why CPU time and not the run's wall time: on a shared host the wall time of a run includes the
 * time it waited for a core while other services ran, and stretching that by {@code 1 / scale}
 * multiplies the host's contention (at class 0.25 a 10 ms wait became 40 ms) into a device that in
 * the system model has its own processor. The CPU time is the head's work; a run that already took
 * longer than {@code cpu / scale} in wall time (a host so busy that the class is slower than the
 * slice it got) is not stretched further. At class 1 nothing is paced: the host is the device. The
 * head sessions run on the calling thread ({@link SplitHeads}), so its CPU time is all of the
 * run's.
 */
final class HeadPacer {

  /** The clocks and the sleep; a test passes its own. */
  interface Clocks {
    long wallNanos();

    /** CPU time of the calling thread, nanoseconds. */
    long cpuNanos();

    void sleepNanos(long nanos) throws InterruptedException;
  }

  /** A run that started at these readings. */
  record Run(long wallNanos, long cpuNanos) {}

  private final double scale;
  private final Clocks clocks;

  HeadPacer(double scale, Clocks clocks) {
    if (!(scale > 0 && scale <= 1)) {
      throw new IllegalArgumentException("compute class must be in (0, 1], got " + scale);
    }
    this.scale = scale;
    this.clocks = clocks;
  }

  /** A pacer on this JVM's clocks (the wall clock for CPU time where the JVM cannot read it). */
  static HeadPacer system(double scale) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    boolean cpu = threads.isCurrentThreadCpuTimeSupported();
    if (cpu && !threads.isThreadCpuTimeEnabled()) {
      threads.setThreadCpuTimeEnabled(true);
    }
    return new HeadPacer(
        scale,
        new Clocks() {
          @Override
          public long wallNanos() {
            return System.nanoTime();
          }

          @Override
          public long cpuNanos() {
            return cpu ? threads.getCurrentThreadCpuTime() : System.nanoTime();
          }

          @Override
          public void sleepNanos(long nanos) throws InterruptedException {
            TimeUnit.NANOSECONDS.sleep(nanos);
          }
        });
  }

  /** Marks the start of a run on the calling thread. */
  Run start() {
    return new Run(clocks.wallNanos(), scale < 1 ? clocks.cpuNanos() : 0);
  }

  /**
   * Ends {@code run} on the same thread: sleeps until {@code cpu / scale} has passed since its
   * start (not at class 1, nor when more has passed already).
   *
   * @return the run's time at this compute class, the sleep included, seconds
   */
  double finish(Run run) throws InterruptedException {
    if (scale < 1) {
      long cpu = clocks.cpuNanos() - run.cpuNanos();
      long left = Math.round(cpu / scale) - (clocks.wallNanos() - run.wallNanos());
      if (left > 0) {
        clocks.sleepNanos(left);
      }
    }
    return (clocks.wallNanos() - run.wallNanos()) / 1e9;
  }
}
