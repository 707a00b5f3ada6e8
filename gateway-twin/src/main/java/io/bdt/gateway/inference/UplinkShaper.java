package io.bdt.gateway.inference;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Paces the offload client's uploads to each AP at the slot's uplink rate {@code r_nm(t)}: one
 * {@link TokenBucket} per AP URL, its rate set at every slot. An AP whose rate was never set is not
 * paced.
 */
public final class UplinkShaper {

  private final double depthBits;
  private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();

  /**
   * @param depthBits each bucket's depth, bits
   */
  public UplinkShaper(double depthBits) {
    this.depthBits = depthBits;
  }

  /** Uploads to {@code baseUrl} go at {@code bitsPerSecond} from now on. */
  public void setRate(String baseUrl, double bitsPerSecond) {
    buckets
        .computeIfAbsent(
            baseUrl,
            u ->
                new TokenBucket(
                    bitsPerSecond, depthBits, System::nanoTime, TimeUnit.NANOSECONDS::sleep))
        .setRate(bitsPerSecond);
  }

  /** Waits until {@code bits} may leave for {@code baseUrl}; returns the nanoseconds waited. */
  long take(String baseUrl, double bits) throws InterruptedException {
    TokenBucket bucket = buckets.get(baseUrl);
    return bucket == null ? 0 : bucket.take(bits);
  }
}
