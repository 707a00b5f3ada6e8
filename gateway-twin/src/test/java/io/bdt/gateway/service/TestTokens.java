package io.bdt.gateway.service;

import io.smallrye.jwt.build.Jwt;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;

/**
 * A token issuer for tests: an RSA key pair made here, its public key as the PEM file the service
 * verifies against ({@code mp.jwt.verify.publickey.location}), and signed tokens with any roles,
 * subject and expiry.
 */
final class TestTokens {
  static final String ISSUER = "bdt-platform";

  private final KeyPair keys;
  private final Path publicKeyFile;

  TestTokens(Path dir) throws IOException {
    keys = rsa();
    publicKeyFile = dir.resolve("jwt-public.pem");
    Files.createDirectories(dir);
    Files.writeString(
        publicKeyFile,
        "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes())
                .encodeToString(keys.getPublic().getEncoded())
            + "\n-----END PUBLIC KEY-----\n");
  }

  static KeyPair rsa() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  Path publicKeyFile() {
    return publicKeyFile;
  }

  /** A token for {@code subject} with {@code roles}, valid for an hour. */
  String token(String subject, String... roles) {
    return signed(subject, Instant.now().plus(Duration.ofHours(1)), keys, roles);
  }

  /**
   * A token for {@code subject} with {@code roles} and {@code grants} as its twin-grants claim (a
   * list of grant texts, or any other value to test a malformed claim).
   */
  String withGrants(String subject, Object grants, String... roles) {
    return Jwt.issuer(ISSUER)
        .subject(subject)
        .upn(subject)
        .groups(Set.of(roles))
        .claim(io.bdt.contracts.auth.TwinGrants.CLAIM, grants)
        .expiresAt(Instant.now().plus(Duration.ofHours(1)))
        .sign(keys.getPrivate());
  }

  /** A token that expired {@code ago}. */
  String expired(Duration ago, String... roles) {
    return signed("late", Instant.now().minus(ago), keys, roles);
  }

  /** A well-formed token signed by a key the service does not know. */
  String forged(String... roles) {
    return signed("mallory", Instant.now().plus(Duration.ofHours(1)), rsa(), roles);
  }

  private static String signed(String subject, Instant expiry, KeyPair by, String... roles) {
    return Jwt.issuer(ISSUER)
        .subject(subject)
        .upn(subject)
        .groups(Set.of(roles))
        .issuedAt(expiry.minus(Duration.ofHours(2)))
        .expiresAt(expiry)
        .sign(by.getPrivate());
  }
}
