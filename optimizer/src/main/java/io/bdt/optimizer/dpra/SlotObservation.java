package io.bdt.optimizer.dpra;

import io.bdt.optimizer.cost.CostTable;
import java.util.List;

/**
 * What a controller knows at the start of slot {@code t}: tasks, channels, AP state and queues.
 *
 * <p>Arrays indexed by gateway have length {@code N}; arrays indexed by AP have length {@code M}.
 *
 * @param taskSamples {@code b_n(t)}: samples in gateway n's task this slot (0 = no task)
 * @param models the cost table of the DNN each gateway runs
 * @param servingAp {@code m(n)}: the AP that serves gateway n (0-based)
 * @param uplinkRate {@code r_n(t)}: uplink rate of gateway n this slot, bit/s
 * @param gatewayFlopsPerSecond {@code phi_G * f_n^G}: gateway n's compute rate, FLOP/s
 * @param apBudget {@code F_m}: AP m's compute budget this slot, cycles/s (Hz)
 * @param reputation {@code R_m(t)}: AP m's reputation at the start of the slot, in [0, 1]
 * @param virtualQueue {@code Q_m(t)}: AP m's reputation-deficit virtual queue, >= 0
 */
public record SlotObservation(
    int[] taskSamples,
    List<CostTable> models,
    int[] servingAp,
    double[] uplinkRate,
    double[] gatewayFlopsPerSecond,
    double[] apBudget,
    double[] reputation,
    double[] virtualQueue) {

  public SlotObservation {
    models = List.copyOf(models);
  }

  /** {@code N}: number of gateways. */
  public int gateways() {
    return taskSamples.length;
  }

  /** {@code M}: number of APs. */
  public int accessPoints() {
    return apBudget.length;
  }
}
