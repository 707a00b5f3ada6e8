package io.bdt.gateway.inference;

import io.bdt.dnn.pacing.CoreSlice;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Makes a head run on the host take as long as on a gateway of compute class {@code scale} (a
 * fraction of one host core, in (0, 1]): the run's CPU time on the calling thread divided by the
 * class, at least its wall time ({@link CoreSlice#runSeconds}, which says why CPU time and not wall
 * time), by sleeping after the run for what is left of it (seconds in, nanoseconds on the clocks).
 * At class 1 nothing is paced: the host is the device. The head sessions run on the calling thread
 * ({@link SplitHeads}), so its CPU time is all of the run's.
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

  private final CoreSlice computeClass;
  private final Clocks clocks;

  HeadPacer(double scale, Clocks clocks) {
    this.computeClass = new CoreSlice(scale);
    this.clocks = clocks;
  }

  /** A pacer on this JVM's clocks ({@link CoreSlice#threadCpuNanos} for CPU time). */
  static HeadPacer system(double scale) {
    LongSupplier cpu = CoreSlice.threadCpuNanos();
    return new HeadPacer(
        scale,
        new Clocks() {
          @Override
          public long wallNanos() {
            return System.nanoTime();
          }

          @Override
          public long cpuNanos() {
            return cpu.getAsLong();
          }

          @Override
          public void sleepNanos(long nanos) throws InterruptedException {
            TimeUnit.NANOSECONDS.sleep(nanos);
          }
        });
  }

  /** Marks the start of a run on the calling thread. */
  Run start() {
    return new Run(clocks.wallNanos(), paced() ? clocks.cpuNanos() : 0);
  }

  /**
   * Ends {@code run} on the same thread: sleeps until {@code cpu / scale} has passed since its
   * start (not at class 1, nor when more has passed already).
   *
   * @return the run's time at this compute class, the sleep included, seconds
   */
  double finish(Run run) throws InterruptedException {
    if (paced()) {
      long cpu = clocks.cpuNanos() - run.cpuNanos();
      long wall = clocks.wallNanos() - run.wallNanos();
      long left = Math.round(computeClass.runSeconds(wall / 1e9, cpu / 1e9) * 1e9) - wall;
      if (left > 0) {
        clocks.sleepNanos(left);
      }
    }
    return (clocks.wallNanos() - run.wallNanos()) / 1e9;
  }

  private boolean paced() {
    return computeClass.fraction() < 1;
  }
}
