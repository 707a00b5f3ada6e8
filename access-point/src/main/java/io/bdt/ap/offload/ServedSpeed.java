package io.bdt.ap.offload;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * The AP's own speed per model, {@code phi_A} in FLOPs/cycle, from the tasks its lane served: each
 * warm task gives {@code tailFlops / (apSeconds f^I)} with {@code apSeconds} the time it took at
 * its share {@code f^I} (Hz), the number a gateway measures from the same answer; the speed is the
 * median of the model's last {@link #WINDOW} tasks. A gateway that has not yet measured this AP
 * itself prices it with this instead of the genesis' {@code phi_A} (docs/dpra.md, "The AP's
 * measured speed"). A task with a tail load (its own or one it waited for) is left out, as the
 * gateway leaves it out.
 */
final class ServedSpeed {

  /** Tasks per model the median is taken over (the gateway's window at its default fit weight). */
  static final int WINDOW = 40;

  private final Map<String, double[]> speeds = new TreeMap<>();
  private final Map<String, Integer> counts = new TreeMap<>();

  /** Records one served task of {@code model} at share {@code shareHz}; ignores cold ones. */
  synchronized void record(String model, OffloadResult task, double shareHz) {
    double seconds = task.apSeconds();
    if (!(task.tailFlops() > 0 && seconds > 0 && shareHz > 0)
        || Double.isInfinite(seconds + shareHz)
        || task.tailLoadSeconds() + task.loadWaitSeconds() > 0) {
      return;
    }
    double[] ring = speeds.computeIfAbsent(model, k -> new double[WINDOW]);
    int n = counts.getOrDefault(model, 0);
    ring[n % WINDOW] = task.tailFlops() / (seconds * shareHz);
    counts.put(model, n + 1);
  }

  /** The median speed of every model served warm at least once, FLOPs/cycle. */
  synchronized Map<String, Double> apFlopsPerCycle() {
    Map<String, Double> out = new TreeMap<>();
    speeds.forEach(
        (model, ring) -> {
          double[] v = Arrays.copyOf(ring, Math.min(WINDOW, counts.get(model)));
          Arrays.sort(v);
          int h = v.length / 2;
          out.put(model, v.length % 2 == 1 ? v[h] : (v[h - 1] + v[h]) / 2);
        });
    return out;
  }
}
