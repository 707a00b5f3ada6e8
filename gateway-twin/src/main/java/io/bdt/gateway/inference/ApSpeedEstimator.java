package io.bdt.gateway.inference;

/**
 * The gateway's estimate, per AP, of the AP's real speed on this gateway's model: {@code phi_A} in
 * the system model's tail term {@code b c_k^tail / (phi_A f^I)}, measured from the AP's own compute
 * times (docs/dpra.md, "The AP's measured speed"). Each offloaded task gives {@code phi = tailFlops
 * / (apSeconds * f^I)} with {@code apSeconds} the time the AP reports for the tail (duty cycle
 * pauses excluded) and {@code f^I} the share it was given, Hz; the estimate is the median of the
 * last {@link #window} tasks, so a task that met a GC pause or a cold path does not move it.
 *
 * <p>Warm-up: until {@link #WARM_UP_TASKS} tasks at an AP are measured its speed is the AP's own
 * (its {@code /status} {@code apFlopsPerCycle} for this model, {@link #prior}), or 0 when the AP
 * has not said, which means "not measured" to the slot cost and prices the AP at the genesis'
 * {@code phi_A}. A task whose tail the AP first split and loaded ({@code tailLoadSeconds > 0}) is
 * left out, as in {@link FixedCostEstimator}. The AP's queue is not in this rate: the gateway's
 * per-offload fixed cost ({@code delta_off}, round trip minus the AP's compute) carries it.
 */
public final class ApSpeedEstimator {

  /** Tasks measured at an AP before its measured speed replaces the genesis' {@code phi_A}. */
  public static final int WARM_UP_TASKS = 5;

  private final int window;
  private final double[][] speeds;
  private final int[] count;
  private final int[] next;
  private final double[] prior;

  /**
   * @param aps number of APs
   * @param weight the gateway's fit weight ({@code cost-fit-weight}): the window holds the last
   *     {@code 2 / weight} tasks per AP, as {@link LinearCostFit}'s
   */
  public ApSpeedEstimator(int aps, double weight) {
    if (!(weight > 0 && weight <= 1)) {
      throw new IllegalArgumentException("fit weight must be in (0, 1], got " + weight);
    }
    window = LinearCostFit.window(weight);
    speeds = new double[aps][window];
    count = new int[aps];
    next = new int[aps];
    prior = new double[aps];
  }

  /**
   * The speed AP {@code m} reports for itself on this gateway's model, FLOPs/cycle: this estimate's
   * value for {@code m} until {@link #WARM_UP_TASKS} of this gateway's own tasks there are
   * measured. Ignores a negative or non-finite one; 0 means the AP has not said (the genesis'
   * {@code phi_A}).
   */
  public synchronized void prior(int m, double apFlopsPerCycle) {
    if (apFlopsPerCycle >= 0 && Double.isFinite(apFlopsPerCycle)) {
      prior[m] = apFlopsPerCycle;
    }
  }

  /**
   * Whether fewer than {@link #WARM_UP_TASKS} of this gateway's tasks at AP {@code m} are measured.
   */
  public synchronized boolean warmingUp(int m) {
    return count[m] < WARM_UP_TASKS;
  }

  /**
   * AP {@code m} ran {@code tailFlops} in {@code apSeconds} on a share of {@code shareHz}, having
   * loaded the tail first for {@code tailLoadSeconds} (0 when warm). Ignores tasks that measure
   * nothing (no tail, no time, no share) and tasks with a tail load.
   */
  public synchronized void record(
      int m, double tailFlops, double apSeconds, double shareHz, double tailLoadSeconds) {
    if (!(tailFlops > 0 && apSeconds > 0 && shareHz > 0)
        || Double.isInfinite(tailFlops + apSeconds + shareHz)
        || tailLoadSeconds > 0) {
      return;
    }
    speeds[m][next[m]] = tailFlops / (apSeconds * shareHz);
    next[m] = (next[m] + 1) % window;
    count[m] = Math.min(window, count[m] + 1);
  }

  /**
   * {@code phi_A} of AP {@code m} on this gateway's model, FLOPs/cycle; while warming up the AP's
   * own ({@link #prior}), 0 if it has not said.
   */
  public synchronized double apFlopsPerCycle(int m) {
    if (count[m] < WARM_UP_TASKS) {
      return prior[m];
    }
    return LinearCostFit.median(speeds[m].clone(), count[m]);
  }

  /** {@link #apFlopsPerCycle(int)} of every AP. */
  public synchronized double[] apFlopsPerCycle() {
    double[] out = new double[count.length];
    for (int m = 0; m < out.length; m++) {
      out[m] = apFlopsPerCycle(m);
    }
    return out;
  }
}
