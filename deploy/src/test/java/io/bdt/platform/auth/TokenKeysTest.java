package io.bdt.platform.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 1, unit = TimeUnit.MINUTES)
class TokenKeysTest {
  @TempDir Path dir;

  private JwtConsumer verifier(TokenKeys keys) {
    return new JwtConsumerBuilder()
        .setExpectedIssuer(TokenKeys.ISSUER)
        .setRequireExpirationTime()
        .setVerificationKey(keys.publicKey())
        .build();
  }

  @Test
  void theSigningKeyIsCreatedOwnerOnlyAndThePublicKeyBesideIt() throws Exception {
    TokenKeys.openOrCreate(dir);

    Path key = dir.resolve("auth/jwt-signing-key.pem");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key.getParent())))
        .isEqualTo("rwx------");
    assertThat(Files.readString(dir.resolve("auth/jwt-public.pem")))
        .startsWith("-----BEGIN PUBLIC KEY-----");
    try (var files = Files.list(key.getParent())) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("jwt-signing-key.pem", "jwt-public.pem");
    }
  }

  @Test
  void aSecondStartKeepsTheKeySoEarlierTokensStayValid() throws Exception {
    String token =
        TokenKeys.openOrCreate(dir)
            .issue("a", List.of("operator"), Duration.ofHours(1), Instant.now());

    TokenKeys again = TokenKeys.openOrCreate(dir);

    assertThat(verifier(again).processToClaims(token).getSubject()).isEqualTo("a");
  }

  @Test
  void tokensCarryTheRolesInGroupsAndExpire() throws Exception {
    TokenKeys keys = TokenKeys.openOrCreate(dir);
    String token =
        keys.issue(
            "alice", List.of("twin-reader", "twin-writer"), Duration.ofMinutes(5), Instant.now());

    JwtClaims claims = verifier(keys).processToClaims(token);
    assertThat(claims.getStringListClaimValue("groups"))
        .containsExactly("twin-reader", "twin-writer");
    assertThat(claims.getClaimValueAsString("upn")).isEqualTo("alice");

    String old =
        keys.issue(
            "bob", List.of("operator"), Duration.ofMinutes(5), Instant.now().minusSeconds(3600));
    assertThatThrownBy(() -> verifier(keys).processToClaims(old))
        .isInstanceOf(InvalidJwtException.class)
        .hasMessageContaining("is on or after the Expiration Time");
  }

  @Test
  void openingADirectoryWithoutAKeyNamesTheFileAndTheCommandThatMakesIt() {
    assertThatThrownBy(() -> TokenKeys.open(dir))
        .hasMessageContaining("jwt-signing-key.pem does not exist")
        .hasMessageContaining("./bdt platform --data");
  }
}
