package io.bdt.gateway.inference;

import java.util.function.LongSupplier;

/**
 * A token bucket in bits: filled at {@code rate} bit/s up to {@code depth} bits; taking {@code
 * bits} waits until the bucket has paid for them (a frame larger than the depth leaves once the
 * bucket is full and leaves it in debt, so back-to-back frames go at {@code rate} on average). The
 * rate may change at any time (each slot's {@code r_nm(t)}); tokens already in the bucket stay.
 */
final class TokenBucket {

  /** Waits the given number of nanoseconds. */
  @FunctionalInterface
  interface Sleeper {
    void sleep(long nanos) throws InterruptedException;
  }

  private final double depth;
  private final LongSupplier nanoTime;
  private final Sleeper sleeper;
  private double rate;
  private double tokens;
  private long filledAt;

  /**
   * @param rate bit/s, > 0
   * @param depth bits, >= 0
   * @param nanoTime the clock, nanoseconds ({@link System#nanoTime} in service)
   * @param sleeper how to wait ({@code TimeUnit.NANOSECONDS::sleep} in service)
   */
  TokenBucket(double rate, double depth, LongSupplier nanoTime, Sleeper sleeper) {
    if (!(depth >= 0) || Double.isInfinite(depth)) {
      throw new IllegalArgumentException(
          "bdt.gateway.inference.channel.bucket-bits: must be finite and >= 0, was " + depth);
    }
    this.depth = depth;
    this.nanoTime = nanoTime;
    this.sleeper = sleeper;
    this.filledAt = nanoTime.getAsLong();
    this.tokens = depth;
    setRate(rate);
  }

  /** Fills at {@code rate} bit/s from now on. */
  synchronized void setRate(double rate) {
    if (!(rate > 0) || Double.isInfinite(rate)) {
      throw new IllegalArgumentException("uplink rate: must be finite and > 0 bit/s, was " + rate);
    }
    refill();
    this.rate = rate;
  }

  /** The rate it fills at, bit/s. */
  synchronized double rate() {
    return rate;
  }

  /**
   * Takes {@code bits} from the bucket, waiting until it has paid for them.
   *
   * @return the nanoseconds waited
   */
  long take(double bits) throws InterruptedException {
    long wait;
    synchronized (this) {
      refill();
      tokens -= bits;
      wait = tokens >= 0 ? 0 : (long) Math.ceil(-tokens / rate * 1e9);
    }
    if (wait > 0) {
      sleeper.sleep(wait);
    }
    return wait;
  }

  private void refill() {
    long now = nanoTime.getAsLong();
    tokens = Math.min(depth, tokens + rate * (now - filledAt) / 1e9);
    filledAt = now;
  }
}
