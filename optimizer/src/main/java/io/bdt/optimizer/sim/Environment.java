package io.bdt.optimizer.sim;

import io.bdt.optimizer.cost.CostTable;
import io.bdt.optimizer.dpra.SystemParameters;
import java.util.Arrays;
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
 * @param inRange {@code M_n}: the APs gateway n can offload to, {@code servingAp[n]} first; a
 *     policy that chooses the association ({@link io.bdt.optimizer.dpra.AssociationPolicy}) picks
 *     among them every slot, the others keep {@code servingAp}
 */
public record Environment(
    List<CostTable> models,
    int[] servingAp,
    double[] gatewayFlopsPerSecond,
    double[] apBudget,
    double[] initialReputation,
    SystemParameters parameters,
    int[][] inRange) {

  /** A system with a fixed association: each gateway has only its serving AP in range. */
  public Environment(
      List<CostTable> models,
      int[] servingAp,
      double[] gatewayFlopsPerSecond,
      double[] apBudget,
      double[] initialReputation,
      SystemParameters parameters) {
    this(
        models,
        servingAp,
        gatewayFlopsPerSecond,
        apBudget,
        initialReputation,
        parameters,
        Arrays.stream(servingAp).mapToObj(ap -> new int[] {ap}).toArray(int[][]::new));
  }

  public Environment {
    models = List.copyOf(models);
    Objects.requireNonNull(parameters, "parameters");
    if (servingAp.length != models.size() || gatewayFlopsPerSecond.length != models.size()) {
      throw new IllegalArgumentException(
          "Environment: models, servingAp and gatewayFlopsPerSecond need one entry per gateway");
    }
    Objects.requireNonNull(inRange, "inRange");
    if (inRange.length != models.size()) {
      throw new IllegalArgumentException("Environment: inRange needs one entry per gateway");
    }
    for (int n = 0; n < inRange.length; n++) {
      if (inRange[n].length == 0 || inRange[n][0] != servingAp[n]) {
        throw new IllegalArgumentException(
            "Environment: inRange[" + n + "] must start with servingAp[" + n + "]");
      }
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

  /** Whether some gateway has more than one AP in range. */
  public boolean decidesAssociation() {
    return Arrays.stream(inRange).anyMatch(aps -> aps.length > 1);
  }

  /** The same system with another {@code V}. */
  public Environment withV(double v) {
    return new Environment(
        models,
        servingAp,
        gatewayFlopsPerSecond,
        apBudget,
        initialReputation,
        parameters.withV(v),
        inRange);
  }
}
