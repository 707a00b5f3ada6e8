package io.bdt.optimizer.dpra;

import java.util.Arrays;
import java.util.Objects;

/**
 * {@code M_n}: the APs each gateway can offload to this slot, each with its own uplink rate {@code
 * r_nm(t)} (system-model.md, "Association as a decision"). With one AP per gateway it is the
 * paper's fixed association.
 *
 * @param accessPoints per gateway, the indices of the APs in range (at least one, no repeats)
 * @param uplinkRate per gateway, {@code r_nm(t)} to each of those APs in the same order, bit/s
 */
public record InRange(int[][] accessPoints, double[][] uplinkRate) {

  public InRange {
    Objects.requireNonNull(accessPoints, "accessPoints");
    Objects.requireNonNull(uplinkRate, "uplinkRate");
    if (accessPoints.length != uplinkRate.length) {
      throw new IllegalArgumentException(
          "InRange.accessPoints and uplinkRate need one entry per gateway, got lengths "
              + accessPoints.length
              + " and "
              + uplinkRate.length);
    }
    for (int n = 0; n < accessPoints.length; n++) {
      int[] aps = Objects.requireNonNull(accessPoints[n], "InRange.accessPoints[" + n + "]");
      double[] rates = Objects.requireNonNull(uplinkRate[n], "InRange.uplinkRate[" + n + "]");
      if (aps.length == 0) {
        throw new IllegalArgumentException(
            "InRange.accessPoints[" + n + "] must name at least one AP in range");
      }
      if (rates.length != aps.length) {
        throw new IllegalArgumentException(
            "InRange.uplinkRate["
                + n
                + "] needs one rate per AP in range ("
                + aps.length
                + "), got "
                + rates.length);
      }
      for (int j = 0; j < aps.length; j++) {
        if (aps[j] < 0) {
          throw new IllegalArgumentException(
              "InRange.accessPoints[" + n + "][" + j + "] must be an AP index >= 0, got " + aps[j]);
        }
        for (int i = 0; i < j; i++) {
          if (aps[i] == aps[j]) {
            throw new IllegalArgumentException(
                "InRange.accessPoints[" + n + "] names AP " + aps[j] + " twice");
          }
        }
        if (!(rates[j] >= 0) || Double.isInfinite(rates[j])) {
          throw new IllegalArgumentException(
              "InRange.uplinkRate["
                  + n
                  + "]["
                  + j
                  + "] must be finite and >= 0 bit/s, got "
                  + rates[j]);
        }
      }
    }
  }

  /** The fixed association of {@code observation}: each gateway's serving AP at its rate. */
  public static InRange fixed(SlotObservation observation) {
    int n = observation.gateways();
    int[][] aps = new int[n][];
    double[][] rates = new double[n][];
    for (int g = 0; g < n; g++) {
      aps[g] = new int[] {observation.servingAp()[g]};
      rates[g] = new double[] {observation.uplinkRate()[g]};
    }
    return new InRange(aps, rates);
  }

  /** {@code N}. */
  public int gateways() {
    return accessPoints.length;
  }

  /** Whether some gateway has more than one AP in range (else the association is fixed). */
  public boolean hasChoice() {
    return Arrays.stream(accessPoints).anyMatch(aps -> aps.length > 1);
  }

  /**
   * {@code observation} with gateway {@code n} served by {@code servingAp[n]} at its rate to that
   * AP: the observation a decision with this association is scored on.
   *
   * @throws IllegalArgumentException if {@code servingAp[n]} is not in range of gateway {@code n}
   */
  public SlotObservation resolve(SlotObservation observation, int[] servingAp) {
    check(observation);
    if (servingAp.length != gateways()) {
      throw new IllegalArgumentException(
          "servingAp has length "
              + servingAp.length
              + " but needs one entry per gateway (N = "
              + gateways()
              + ")");
    }
    double[] rate = new double[gateways()];
    for (int n = 0; n < rate.length; n++) {
      int j = indexOf(n, servingAp[n]);
      if (j < 0) {
        throw new IllegalArgumentException(
            "servingAp["
                + n
                + "] = "
                + servingAp[n]
                + " is not in range of gateway "
                + n
                + " (in range: "
                + Arrays.toString(accessPoints[n])
                + ")");
      }
      rate[n] = uplinkRate[n][j];
    }
    return new SlotObservation(
        observation.taskSamples(),
        observation.models(),
        servingAp.clone(),
        rate,
        observation.gatewayFlopsPerSecond(),
        observation.apBudget(),
        observation.reputation(),
        observation.virtualQueue(),
        observation.headRunSeconds(),
        observation.offloadSeconds(),
        observation.apFlopsPerCycle());
  }

  /** Checks that this covers {@code observation}'s gateways and names only its APs. */
  void check(SlotObservation observation) {
    if (gateways() != observation.gateways()) {
      throw new IllegalArgumentException(
          "InRange has "
              + gateways()
              + " gateways but the observation has N = "
              + observation.gateways());
    }
    int m = observation.accessPoints();
    for (int n = 0; n < gateways(); n++) {
      for (int ap : accessPoints[n]) {
        if (ap >= m) {
          throw new IllegalArgumentException(
              "InRange.accessPoints[" + n + "] names AP " + ap + " but M = " + m);
        }
      }
    }
  }

  private int indexOf(int n, int ap) {
    for (int j = 0; j < accessPoints[n].length; j++) {
      if (accessPoints[n][j] == ap) {
        return j;
      }
    }
    return -1;
  }
}
