package io.bdt.gateway.device;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Salted slow hashes of secrets (device secrets, service passwords): PBKDF2-HMAC-SHA256 from the
 * JDK, stored as {@code pbkdf2-sha256$<iterations>$<salt, base64>$<hash, base64>} so the cost can
 * be raised later without invalidating stored hashes.
 */
public final class SecretHash {

  /** Iterations for new hashes (about 50 ms on one core of a 2020s x86 machine). */
  public static final int ITERATIONS = 100_000;

  private static final String PREFIX = "pbkdf2-sha256";
  private static final int SALT_BYTES = 16;
  private static final int HASH_BITS = 256;

  private SecretHash() {}

  /** A new salted hash of {@code secret}. */
  public static String hash(String secret, SecureRandom random) {
    return hash(secret, random, ITERATIONS);
  }

  /**
   * A new salted hash of {@code secret} with {@code iterations} (the count is stored with it): for
   * load tests that log thousands of devices in, where {@link #ITERATIONS} would cost each login
   * about 50 ms of CPU.
   */
  public static String hash(String secret, SecureRandom random, int iterations) {
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
    return PREFIX
        + "$"
        + iterations
        + "$"
        + b64.encodeToString(salt)
        + "$"
        + b64.encodeToString(pbkdf2(secret, salt, iterations));
  }

  /**
   * Whether {@code secret} matches {@code encoded} (compared in constant time); false for a
   * malformed {@code encoded}.
   */
  public static boolean matches(String secret, String encoded) {
    String[] parts = encoded.split("\\$", -1);
    if (parts.length != 4 || !PREFIX.equals(parts[0])) {
      return false;
    }
    try {
      int iterations = Integer.parseInt(parts[1]);
      if (iterations < 1 || iterations > 10_000_000) {
        return false;
      }
      byte[] salt = Base64.getDecoder().decode(parts[2]);
      byte[] expected = Base64.getDecoder().decode(parts[3]);
      return MessageDigest.isEqual(expected, pbkdf2(secret, salt, iterations));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Whether {@code encoded} is in this class's format. */
  public static boolean isEncoded(String encoded) {
    return encoded.startsWith(PREFIX + "$") && encoded.split("\\$", -1).length == 4;
  }

  /**
   * What DeviceRegistry keeps for a credential hash (a bytes32): the hex SHA-256 of the encoded
   * salted hash, so the chain commits to the local record without publishing it. A 64-hex value (a
   * record from before salted hashes) is kept as is.
   */
  public static String chainCommitment(String encoded) {
    if (encoded.matches("(0x)?[0-9a-fA-F]{64}")) {
      return encoded;
    }
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(encoded.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static byte[] pbkdf2(String secret, byte[] salt, int iterations) {
    PBEKeySpec spec = new PBEKeySpec(secret.toCharArray(), salt, iterations, HASH_BITS);
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 is missing from this JVM", e);
    } finally {
      spec.clearPassword();
    }
  }
}
