package io.bdt.optimizer.joint;

import io.bdt.optimizer.cost.CostTable;
import io.bdt.optimizer.model.SlotCost;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One gateway's part of a slot, as it reports it to the slot coordinator.
 *
 * @param gateway the gateway's identity (its receipt-signing address); one demand per gateway and
 *     slot
 * @param samples {@code b_n(t)}: samples in its task this slot (0 = no task)
 * @param model {@code c_k^head, c_k^tail, d_k} of the DNN it runs (the dnn module's analysis of the
 *     deployed ONNX model)
 * @param servingAp {@code m(n)}: index of the AP it offloads to unless the solve chooses another of
 *     {@code inRange} (its current AP)
 * @param uplinkRate {@code r_n(t)}: its uplink rate estimate to {@code servingAp}, bit/s
 * @param gatewayFlopsPerSecond {@code phi_G f_n^G}: its compute rate, FLOP/s
 * @param inRange {@code M_n}: every AP it can offload to with its rate estimate, {@code servingAp}
 *     among them; with only {@code servingAp} the association is fixed
 * @param fixedCosts its measured fixed costs per head run and per offload ({@link FixedCosts#NONE}
 *     in the system model)
 */
public record GatewayDemand(
    String gateway,
    int samples,
    CostTable model,
    int servingAp,
    double uplinkRate,
    double gatewayFlopsPerSecond,
    List<ApLink> inRange,
    FixedCosts fixedCosts) {

  /**
   * A gateway's fixed costs per sample, measured on the running gateway (docs/dpra.md, "Fixed costs
   * in the slot cost"); {@link SlotCost} adds them to {@code D_n}.
   *
   * @param headRunSeconds {@code delta_G}: a head run's time beyond {@code c_k^head / (phi_G
   *     f_n^G)}, seconds
   * @param offloadSeconds {@code delta_off}: an offload's time beyond {@code d_k / r_n} and the
   *     AP's compute (request, frame coding, the AP's per-call cost), seconds
   */
  public record FixedCosts(double headRunSeconds, double offloadSeconds) {

    /** The system model's: no fixed costs. */
    public static final FixedCosts NONE = new FixedCosts(0, 0);

    public FixedCosts {
      if (!(headRunSeconds >= 0) || Double.isInfinite(headRunSeconds)) {
        throw new IllegalArgumentException(
            "headRunSeconds: must be finite and >= 0 s, was " + headRunSeconds);
      }
      if (!(offloadSeconds >= 0) || Double.isInfinite(offloadSeconds)) {
        throw new IllegalArgumentException(
            "offloadSeconds: must be finite and >= 0 s, was " + offloadSeconds);
      }
    }
  }

  /**
   * One AP in range of the gateway.
   *
   * @param ap the AP's index
   * @param uplinkRate {@code r_nm(t)}: the gateway's uplink rate estimate to it, bit/s
   * @param apFlopsPerCycle {@code phi_A} of the gateway's model on this AP as measured from the
   *     AP's own compute times (FLOPs per cycle of the share it gave); 0 before the gateway has
   *     measured it, which prices the AP at the genesis' {@code phi_A}
   */
  public record ApLink(int ap, double uplinkRate, double apFlopsPerCycle) {

    /** A link whose AP speed is not measured yet. */
    public ApLink(int ap, double uplinkRate) {
      this(ap, uplinkRate, 0);
    }

    public ApLink {
      if (!(apFlopsPerCycle >= 0) || Double.isInfinite(apFlopsPerCycle)) {
        throw new IllegalArgumentException(
            "inRange.apFlopsPerCycle: must be finite and >= 0, was "
                + apFlopsPerCycle
                + " (AP "
                + ap
                + ")");
      }
      if (ap < 0) {
        throw new IllegalArgumentException("inRange.ap: must be an AP index >= 0, was " + ap);
      }
      if (!(uplinkRate >= 0) || Double.isInfinite(uplinkRate)) {
        throw new IllegalArgumentException(
            "inRange.uplinkRate: must be finite and >= 0 bit/s, was "
                + uplinkRate
                + " (AP "
                + ap
                + ")");
      }
    }
  }

  /** A demand without fixed costs ({@link FixedCosts#NONE}). */
  public GatewayDemand(
      String gateway,
      int samples,
      CostTable model,
      int servingAp,
      double uplinkRate,
      double gatewayFlopsPerSecond,
      List<ApLink> inRange) {
    this(
        gateway,
        samples,
        model,
        servingAp,
        uplinkRate,
        gatewayFlopsPerSecond,
        inRange,
        FixedCosts.NONE);
  }

  /** The same demand with the gateway's measured fixed costs. */
  public GatewayDemand withFixedCosts(FixedCosts costs) {
    return new GatewayDemand(
        gateway, samples, model, servingAp, uplinkRate, gatewayFlopsPerSecond, inRange, costs);
  }

  /** A demand with a fixed serving AP: {@code servingAp} is the only AP in range. */
  public GatewayDemand(
      String gateway,
      int samples,
      CostTable model,
      int servingAp,
      double uplinkRate,
      double gatewayFlopsPerSecond) {
    this(
        gateway,
        samples,
        model,
        servingAp,
        uplinkRate,
        gatewayFlopsPerSecond,
        servingAp < 0 || !(uplinkRate >= 0) || Double.isInfinite(uplinkRate)
            ? List.of() // the checks below name the field
            : List.of(new ApLink(servingAp, uplinkRate)));
  }

  /**
   * A demand whose serving AP the joint solve chooses among {@code inRange}; the first link is its
   * current AP ({@link #servingAp}).
   */
  public static GatewayDemand inRange(
      String gateway,
      int samples,
      CostTable model,
      double gatewayFlopsPerSecond,
      List<ApLink> inRange) {
    if (inRange == null || inRange.isEmpty()) {
      throw new IllegalArgumentException(
          "inRange: gateway " + gateway + " must have at least one AP in range");
    }
    ApLink first = inRange.get(0);
    return new GatewayDemand(
        gateway, samples, model, first.ap(), first.uplinkRate(), gatewayFlopsPerSecond, inRange);
  }

  public GatewayDemand {
    if (gateway == null || gateway.isBlank()) {
      throw new IllegalArgumentException("gateway: must name the gateway");
    }
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(fixedCosts, "fixedCosts");
    if (samples < 0) {
      throw new IllegalArgumentException("samples: must be >= 0, was " + samples);
    }
    if (servingAp < 0) {
      throw new IllegalArgumentException("servingAp: must be an AP index >= 0, was " + servingAp);
    }
    if (!(uplinkRate >= 0) || Double.isInfinite(uplinkRate)) {
      throw new IllegalArgumentException(
          "uplinkRate: must be finite and >= 0 bit/s, was " + uplinkRate);
    }
    if (!(gatewayFlopsPerSecond > 0) || Double.isInfinite(gatewayFlopsPerSecond)) {
      throw new IllegalArgumentException(
          "gatewayFlopsPerSecond: must be finite and > 0 FLOP/s, was " + gatewayFlopsPerSecond);
    }
    inRange = List.copyOf(Objects.requireNonNull(inRange, "inRange"));
    Set<Integer> aps = new HashSet<>();
    boolean servingInRange = false;
    for (ApLink link : inRange) {
      if (!aps.add(link.ap())) {
        throw new IllegalArgumentException(
            "inRange: gateway " + gateway + " names AP " + link.ap() + " twice");
      }
      servingInRange |= link.ap() == servingAp;
    }
    if (!servingInRange) {
      throw new IllegalArgumentException(
          "inRange: gateway " + gateway + " must list its servingAp " + servingAp);
    }
  }
}
