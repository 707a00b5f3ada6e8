package io.bdt.ap.offload;

import io.bdt.dnn.pacing.CoreSlice;

/**
 * How a compute share in Hz becomes something the operating system enforces: intra-op threads and a
 * duty cycle.
 *
 * <p>The AP's budget {@code F_m} (Hz) stands for all of its {@code cores}. A share {@code f} is the
 * fraction {@code f / F_m} of them: {@code threads = clamp(round(f / F_m * cores), 1, cores)}, and
 * since whole threads overshoot small shares, each run is followed by an idle pause so that the
 * lane is busy only {@code dutyCycle = (f / F_m * cores) / threads} of the time (at least {@link
 * #MIN_DUTY_CYCLE}).
 *
 * <p>The pause is served before the task's answer ({@link #servedSeconds}): a core time-sliced at
 * share {@code f} would finish a run of {@code busy} seconds on {@code threads} threads after
 * {@code busy / dutyCycle}, so that is when the task is done and what the AP reports as its compute
 * time. The CPU pattern is the same (a burst, then idle for mining); the task's latency is the one
 * the system model prices, {@code c^tail / (phi_A f)} (docs/dpra.md, "The AP's measured speed").
 *
 * @param threads ONNX Runtime intra-op threads for a run
 * @param dutyCycle fraction of wall time the lane may compute, in (0, 1]
 */
public record ComputeShare(int threads, double dutyCycle) {

  /** The smallest duty cycle: a share near 0 still serves, 50x slower than its full core. */
  public static final double MIN_DUTY_CYCLE = 0.02;

  public ComputeShare {
    if (threads < 1) {
      throw new IllegalArgumentException("threads: must be >= 1, got " + threads);
    }
    if (!(dutyCycle > 0 && dutyCycle <= 1)) {
      throw new IllegalArgumentException("dutyCycle: must be in (0, 1], got " + dutyCycle);
    }
  }

  /**
   * The threads and duty cycle for share {@code shareHz} of budget {@code budgetHz} on {@code
   * cores} cores.
   */
  public static ComputeShare of(double shareHz, double budgetHz, int cores) {
    if (!(budgetHz > 0)) {
      throw new IllegalArgumentException("budget: must be > 0 Hz, got " + budgetHz);
    }
    if (!(shareHz >= 0) || Double.isInfinite(shareHz)) {
      throw new IllegalArgumentException("share: must be a finite number >= 0 Hz, got " + shareHz);
    }
    if (cores < 1) {
      throw new IllegalArgumentException("cores: must be >= 1, got " + cores);
    }
    double coresWanted = Math.min(shareHz, budgetHz) / budgetHz * cores;
    int threads = (int) Math.max(1, Math.min(cores, Math.round(coresWanted)));
    double duty = Math.max(MIN_DUTY_CYCLE, Math.min(1.0, coresWanted / threads));
    return new ComputeShare(threads, duty);
  }

  /** The idle pause (seconds) that keeps a run of {@code busySeconds} within the duty cycle. */
  public double pauseAfter(double busySeconds) {
    return busySeconds * (1 / dutyCycle - 1);
  }

  /**
   * The time (seconds) a run of {@code busySeconds} on {@link #threads} threads takes at this
   * share: the run and its pause, {@code busySeconds / dutyCycle}.
   */
  public double servedSeconds(double busySeconds) {
    return busySeconds + pauseAfter(busySeconds);
  }

  /**
   * The time (seconds) a run that took {@code busySeconds} of wall time and {@code cpuSeconds} of
   * the calling thread's CPU takes at this share. On one thread (ONNX Runtime then runs on the
   * calling thread, so its CPU time is all of the run's work): {@code cpuSeconds / dutyCycle}, at
   * least {@code busySeconds}, the run on a {@link CoreSlice} of the duty cycle (which says why CPU
   * time: a share is a slice of a core reserved for the task); on several (whose work the calling
   * thread's clock does not see): {@link #servedSeconds(double)}.
   */
  public double servedSeconds(double busySeconds, double cpuSeconds) {
    if (threads == 1 && cpuSeconds > 0) {
      return new CoreSlice(dutyCycle).runSeconds(busySeconds, cpuSeconds);
    }
    return servedSeconds(busySeconds);
  }
}
