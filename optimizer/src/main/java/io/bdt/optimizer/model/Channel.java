package io.bdt.optimizer.model;

import java.util.random.RandomGenerator;

/**
 * One gateway's uplink: turns distance and small-scale fading into the channel gain {@code g_n(t)}
 * and the Shannon rate {@code r_n(t) = B log2(1 + p g / (N0 B))} in bit/s.
 *
 * <p>Fading is Rayleigh: {@code h ~ CN(0, 1)}, so the power {@code |h|^2 ~ Exp(1)}. Draws come from
 * the generator the caller passes in, so a seeded generator reproduces the same slots.
 *
 * @param pathLoss large-scale path-loss law
 * @param bandwidthHz {@code B_n}: uplink bandwidth, Hz
 * @param transmitPowerWatts {@code p_n}: gateway transmit power, W
 * @param noiseDensityWattsPerHz {@code N0}: noise power spectral density, W/Hz
 */
public record Channel(
    PathLoss pathLoss,
    double bandwidthHz,
    double transmitPowerWatts,
    double noiseDensityWattsPerHz) {

  public Channel {
    if (pathLoss == null) {
      throw new IllegalArgumentException("channel.pathLoss: must be given");
    }
    requirePositive("channel.bandwidthHz", bandwidthHz);
    requirePositive("channel.transmitPowerWatts", transmitPowerWatts);
    requirePositive("channel.noiseDensityWattsPerHz", noiseDensityWattsPerHz);
  }

  /** Converts a power spectral density from dBm/Hz to W/Hz: {@code 10^((dBm - 30) / 10)}. */
  public static double dbmPerHzToWattsPerHz(double dbmPerHz) {
    return Math.pow(10.0, (dbmPerHz - 30.0) / 10.0);
  }

  /** Draws the Rayleigh fading power {@code |h|^2 ~ Exp(1)} (dimensionless, mean 1). */
  public static double drawFadingPower(RandomGenerator random) {
    return random.nextExponential();
  }

  /** {@code g = beta0 d^(-alpha) |h|^2}: linear channel power gain. */
  public double gain(double distanceMeters, double fadingPower) {
    if (!(fadingPower >= 0)) {
      throw new IllegalArgumentException("fadingPower: must be >= 0, was " + fadingPower);
    }
    return pathLoss.gain(distanceMeters) * fadingPower;
  }

  /** Draws this slot's channel gain at {@code distanceMeters}: path loss times Rayleigh fading. */
  public double drawGain(double distanceMeters, RandomGenerator random) {
    return gain(distanceMeters, drawFadingPower(random));
  }

  /** {@code N0 B}: noise power in the band, W. */
  public double noisePowerWatts() {
    return noiseDensityWattsPerHz * bandwidthHz;
  }

  /**
   * {@code p g / (N0 B)}: received signal-to-noise ratio (linear) for channel gain {@code gain}.
   */
  public double snr(double gain) {
    return transmitPowerWatts * gain / noisePowerWatts();
  }

  /** {@code r = B log2(1 + SNR)}: uplink rate for channel gain {@code gain}, bit/s. */
  public double uplinkRate(double gain) {
    // log1p keeps precision when the SNR is tiny (cell edge in a deep fade).
    return bandwidthHz * Math.log1p(snr(gain)) / Math.log(2.0);
  }

  private static void requirePositive(String field, double value) {
    if (!(value > 0) || !Double.isFinite(value)) {
      throw new IllegalArgumentException(field + ": must be > 0, was " + value);
    }
  }
}
