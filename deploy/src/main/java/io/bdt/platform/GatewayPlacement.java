package io.bdt.platform;

import java.util.ArrayList;
import java.util.List;

/**
 * Where the platform places its gateways relative to its APs, for the channel model each gateway
 * draws its per-slot uplink rates from (docs/platform.md, "Association and the uplink"): gateway
 * {@code n} is {@link #NEAR_METERS} from its home AP {@code n mod M} and {@link #STEP_METERS}
 * farther from each next AP in index order, so every gateway reaches every AP, each over its own
 * path loss.
 */
final class GatewayPlacement {

  /** Distance from a gateway to its home AP, m. */
  static final double NEAR_METERS = 60;

  /** How much farther each next AP is, m. */
  static final double STEP_METERS = 50;

  private GatewayPlacement() {}

  /** {@code d_nm} of gateway {@code n} to each of {@code aps} APs, metres, in AP index order. */
  static List<Double> distancesMeters(int n, int aps) {
    List<Double> out = new ArrayList<>(aps);
    for (int m = 0; m < aps; m++) {
      out.add(NEAR_METERS + STEP_METERS * Math.floorMod(m - n, aps));
    }
    return out;
  }

  /** The gateway's channel settings ({@code bdt.gateway.inference.channel.*}). */
  static java.util.Map<String, String> channelSettings(int n, int aps) {
    return java.util.Map.of(
        "bdt.gateway.inference.channel.ap-distances-meters",
        String.join(",", distancesMeters(n, aps).stream().map(d -> Double.toString(d)).toList()),
        "bdt.gateway.inference.channel.seed",
        Long.toString(n + 1L));
  }
}
