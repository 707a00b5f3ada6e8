package io.bdt.consensus.pow;

/**
 * The compute share f_m^B an AP gives to mining, as threads and a duty cycle: each thread hashes
 * for {@code dutyCycle} of every {@code periodMillis} and sleeps the rest.
 */
public record MiningShare(int threads, double dutyCycle, long periodMillis) {
  public MiningShare {
    if (threads < 1) {
      throw new IllegalArgumentException("miningShare.threads must be >= 1, got " + threads);
    }
    if (!(dutyCycle > 0 && dutyCycle <= 1)) {
      throw new IllegalArgumentException(
          "miningShare.dutyCycle must be in (0, 1], got " + dutyCycle);
    }
    if (periodMillis < 1) {
      throw new IllegalArgumentException("miningShare.periodMillis must be >= 1");
    }
  }

  /** One thread, always hashing. */
  public static MiningShare full(int threads) {
    return new MiningShare(threads, 1.0, 100);
  }
}
