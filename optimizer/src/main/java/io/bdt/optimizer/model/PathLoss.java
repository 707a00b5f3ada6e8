package io.bdt.optimizer.model;

/**
 * Large-scale path loss {@code PL(d) = interceptDb + slopeDb * log10(d / 1 km)} in dB, and the
 * equivalent linear power gain {@code beta0 * d^(-alpha)} with {@code d} in metres.
 *
 * <p>The two forms are the same law: {@code alpha = slopeDb / 10} and {@code beta0 =
 * 10^(-(interceptDb - 3 * slopeDb) / 10)}, the linear gain at 1 m (the {@code 3 * slopeDb} moves
 * the reference distance from 1 km to 1 m).
 *
 * @param interceptDb loss at 1 km, dB (128.1 in the default scenario)
 * @param slopeDb loss per decade of distance, dB (37.6 in the default scenario)
 */
public record PathLoss(double interceptDb, double slopeDb) {

  /** The 3GPP urban-macro law of the default scenario: {@code 128.1 + 37.6 log10(d_km)} dB. */
  public static PathLoss urbanMacro() {
    return new PathLoss(128.1, 37.6);
  }

  public PathLoss {
    if (!Double.isFinite(interceptDb)) {
      throw new IllegalArgumentException(
          "pathLoss.interceptDb: must be finite, was " + interceptDb);
    }
    if (!(slopeDb > 0) || !Double.isFinite(slopeDb)) {
      throw new IllegalArgumentException("pathLoss.slopeDb: must be > 0, was " + slopeDb);
    }
  }

  /** Path loss at {@code distanceMeters}, dB. */
  public double lossDb(double distanceMeters) {
    requirePositiveDistance(distanceMeters);
    return interceptDb + slopeDb * Math.log10(distanceMeters / 1000.0);
  }

  /** Linear large-scale power gain at {@code distanceMeters} (dimensionless, below 1). */
  public double gain(double distanceMeters) {
    return beta0() * Math.pow(requirePositiveDistance(distanceMeters), -alpha());
  }

  /** {@code alpha}: path-loss exponent. */
  public double alpha() {
    return slopeDb / 10.0;
  }

  /** {@code beta0}: linear power gain at the 1 m reference distance. */
  public double beta0() {
    return Math.pow(10.0, -(interceptDb - 3.0 * slopeDb) / 10.0);
  }

  private static double requirePositiveDistance(double distanceMeters) {
    if (!(distanceMeters > 0) || !Double.isFinite(distanceMeters)) {
      throw new IllegalArgumentException("distanceMeters: must be > 0, was " + distanceMeters);
    }
    return distanceMeters;
  }
}
