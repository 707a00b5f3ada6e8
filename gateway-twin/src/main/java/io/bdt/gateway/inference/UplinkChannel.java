package io.bdt.gateway.inference;

import io.bdt.gateway.GatewayConfig;
import io.bdt.optimizer.model.Channel;
import io.bdt.optimizer.model.PathLoss;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * This gateway's uplink to each AP per the system model: path loss at its distance to the AP and
 * Rayleigh fading drawn per slot and AP, giving the Shannon rate {@code r_nm(t)}, bit/s. The draws
 * are a function of the seed, the slot and the AP, so a slot's rates do not depend on when or how
 * often they are asked for.
 */
public final class UplinkChannel {

  private final Channel channel;
  private final double[] distanceMeters;
  private final long seed;

  public UplinkChannel(Channel channel, double[] distanceMeters, long seed) {
    for (int m = 0; m < distanceMeters.length; m++) {
      if (!(distanceMeters[m] > 0) || Double.isInfinite(distanceMeters[m])) {
        throw new IllegalArgumentException(
            "bdt.gateway.inference.channel.ap-distances-meters["
                + m
                + "]: must be a finite distance > 0 m, was "
                + distanceMeters[m]);
      }
    }
    this.channel = channel;
    this.distanceMeters = distanceMeters.clone();
    this.seed = seed;
  }

  /**
   * The channel configured for the {@code aps} APs, or empty when no distances are configured.
   *
   * @throws IllegalArgumentException naming the setting when the distances do not match the APs
   */
  static Optional<UplinkChannel> of(GatewayConfig.Channel config, int aps) {
    Optional<List<Double>> distances = config.apDistancesMeters();
    if (distances.isEmpty() || distances.get().isEmpty()) {
      return Optional.empty();
    }
    if (distances.get().size() != aps) {
      throw new IllegalArgumentException(
          "bdt.gateway.inference.channel.ap-distances-meters: one distance per AP of"
              + " bdt.gateway.inference.aps ("
              + aps
              + "), got "
              + distances.get().size());
    }
    Channel channel =
        new Channel(
            new PathLoss(config.pathLossInterceptDb(), config.pathLossSlopeDb()),
            config.bandwidthHz(),
            config.transmitPowerWatts(),
            Channel.dbmPerHzToWattsPerHz(config.noiseDensityDbmPerHz()));
    return Optional.of(
        new UplinkChannel(
            channel,
            distances.get().stream().mapToDouble(Double::doubleValue).toArray(),
            config.seed()));
  }

  /** The number of APs. */
  int aps() {
    return distanceMeters.length;
  }

  /** {@code r_nm(t)} to AP {@code m} in slot {@code slot}, bit/s. */
  public double rate(long slot, int m) {
    SplittableRandom random =
        new SplittableRandom(seed ^ slot * 0x9E3779B97F4A7C15L ^ (m + 1L) * 0xC2B2AE3D27D4EB4FL);
    return channel.uplinkRate(channel.drawGain(distanceMeters[m], random));
  }
}
