package io.bdt.gateway.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class SecretHashTest {

  private final SecureRandom random = new SecureRandom();

  @Test
  void matchesTheSecretItWasMadeFromAndNoOther() {
    String hash = SecretHash.hash("device-secret", random);

    assertThat(SecretHash.matches("device-secret", hash)).isTrue();
    assertThat(SecretHash.matches("device-secreT", hash)).isFalse();
  }

  @Test
  void saltsEveryHashSoEqualSecretsHashDifferently() {
    assertThat(SecretHash.hash("same", random)).isNotEqualTo(SecretHash.hash("same", random));
  }

  @Test
  void storesTheIterationCountAndNeverTheSecret() {
    String hash = SecretHash.hash("device-secret", random);

    assertThat(hash).startsWith("pbkdf2-sha256$" + SecretHash.ITERATIONS + "$");
    assertThat(hash).doesNotContain("device-secret");
  }

  @Test
  void rejectsMalformedHashesInsteadOfThrowing() {
    assertThat(SecretHash.matches("x", "")).isFalse();
    assertThat(SecretHash.matches("x", "pbkdf2-sha256$abc$$")).isFalse();
    assertThat(SecretHash.matches("x", "pbkdf2-sha256$0$AAAA$AAAA")).isFalse();
    assertThat(SecretHash.matches("x", "bcrypt$1$2$3")).isFalse();
  }

  @Test
  void commitsOnChainToTheSaltedHashNotToTheSecret() {
    String hash = SecretHash.hash("device-secret", random);

    assertThat(SecretHash.chainCommitment(hash)).matches("[0-9a-f]{64}");
    assertThat(SecretHash.chainCommitment(hash))
        .isNotEqualTo(Provisioner.sha256Hex("device-secret"));
  }
}
