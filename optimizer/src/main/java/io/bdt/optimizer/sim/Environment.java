package io.bdt.optimizer.sim;

import io.bdt.optimizer.cost.CostTable;
import io.bdt.optimizer.dpra.SystemParameters;
import java.util.List;
import java.util.Objects;

/**
 * The fixed part of a simulated system: what every slot shares, for every policy.
 *
 * @param models the cost table of the DNN each gateway runs (one per gateway)
 * @param servingAp {@code m(n)}: the AP serving gateway n, 0-based
 * @param gatewayFlopsPerSecond {@code phi_G f_n^G} per gateway, FLOP/s
 * @param apBudget {@code F_m} per AP, cycles/s (Hz)
 * @param initialReputation {@code R_m(0)} per AP, in [0, 1]
 * @param parameters the system constants, including {@code V}
 */
public record Environment(
    List<CostTable> models,
    int[] servingAp,
    double[] gatewayFlopsPerSecond,
    double[] apBudget,
    double[] initialReputation,
    SystemParameters parameters) {

  public Environment {
    models = List.copyOf(models);
    Objects.requireNonNull(parameters, "parameters");
    if (servingAp.length != models.size() || gatewayFlopsPerSecond.length != models.size()) {
      throw new IllegalArgumentException(
          "Environment: models, servingAp and gatewayFlopsPerSecond need one entry per gateway");
    }
    if (initialReputation.length != apBudget.length) {
      throw new IllegalArgumentException(
          "Environment: apBudget and initialReputation need one entry per AP");
    }
  }

  /** {@code N}. */
  public int gateways() {
    return models.size();
  }

  /** {@code M}. */
  public int accessPoints() {
    return apBudget.length;
  }

  /** The same system with another {@code V}. */
  public Environment withV(double v) {
    return new Environment(
        models, servingAp, gatewayFlopsPerSecond, apBudget, initialReputation, parameters.withV(v));
  }
}
