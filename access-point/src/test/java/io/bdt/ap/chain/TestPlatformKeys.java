package io.bdt.ap.chain;

import java.math.BigInteger;
import java.util.List;
import java.util.stream.IntStream;
import org.web3j.crypto.Credentials;
import org.web3j.utils.Numeric;

/**
 * Fixed platform keys for tests, derived from small integers: publicly known, so they must never
 * hold value, and they live in test code only. Fixed, so a Quarkus test and its test resource
 * (loaded apart) agree on them.
 */
public final class TestPlatformKeys {
  private TestPlatformKeys() {}

  /** The keys of a platform of {@code aps} APs and {@code gateways} gateways. */
  public static PlatformKeys of(int aps, int gateways) {
    return new PlatformKeys(
        List.of(key(1), key(2), key(3)),
        key(41),
        IntStream.range(0, aps).mapToObj(TestPlatformKeys::ap).toList(),
        IntStream.range(0, gateways).mapToObj(TestPlatformKeys::gateway).toList());
  }

  /** AP {@code m}'s key (m = 0, 1, ...), whether or not a platform includes it. */
  public static Credentials ap(int m) {
    return key(100 + m);
  }

  /** Gateway {@code n}'s key (n = 0, 1, ...), whether or not a platform includes it. */
  public static Credentials gateway(int n) {
    return key(200 + n);
  }

  private static Credentials key(int n) {
    return Credentials.create(
        Numeric.toHexStringWithPrefixZeroPadded(BigInteger.valueOf(0xB0D7_A000L + n), 64));
  }
}
