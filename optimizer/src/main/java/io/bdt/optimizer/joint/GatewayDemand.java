package io.bdt.optimizer.joint;

import io.bdt.optimizer.cost.CostTable;
import java.util.Objects;

/**
 * One gateway's part of a slot, as it reports it to the slot coordinator.
 *
 * @param gateway the gateway's identity (its receipt-signing address); one demand per gateway and
 *     slot
 * @param samples {@code b_n(t)}: samples in its task this slot (0 = no task)
 * @param model {@code c_k^head, c_k^tail, d_k} of the DNN it runs (the dnn module's analysis of the
 *     deployed ONNX model)
 * @param servingAp {@code m(n)}: index of the AP it offloads to
 * @param uplinkRate {@code r_n(t)}: its uplink rate estimate, bit/s
 * @param gatewayFlopsPerSecond {@code phi_G f_n^G}: its compute rate, FLOP/s
 */
public record GatewayDemand(
    String gateway,
    int samples,
    CostTable model,
    int servingAp,
    double uplinkRate,
    double gatewayFlopsPerSecond) {

  public GatewayDemand {
    if (gateway == null || gateway.isBlank()) {
      throw new IllegalArgumentException("gateway: must name the gateway");
    }
    Objects.requireNonNull(model, "model");
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
  }
}
