package io.bdt.gateway.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class RequestIdTest {

  @Test
  void aNewRequestIdIsTheClientIdAndA128BitNonce() {
    String id = RequestId.create("prov-1", new SecureRandom());
    assertThat(id).matches("prov-1\\.[0-9a-f]{32}");
    assertThat(RequestId.hasNonce(id)).isTrue();
    assertThat(RequestId.belongsTo(id, "prov-1")).isTrue();
    assertThat(RequestId.create("prov-1", new SecureRandom())).isNotEqualTo(id);
  }

  @Test
  void aClientIdAloneOrAShortNonceHasNoNonce() {
    assertThat(RequestId.hasNonce("prov-1")).isFalse();
    assertThat(RequestId.hasNonce("prov-1.abc")).isFalse();
    assertThat(RequestId.hasNonce("prov-1.+")).isFalse();
  }

  @Test
  void belongsOnlyToTheClientWhoseIdItBeginsWith() {
    String nonce = "9f86d081884c7d659a2feaa0c55ad015";
    assertThat(RequestId.belongsTo("prov-1", "prov-1")).isTrue();
    assertThat(RequestId.belongsTo("prov-1." + nonce, "prov-12")).isFalse();
    assertThat(RequestId.belongsTo("prov-12." + nonce, "prov-1")).isFalse();
    assertThat(RequestId.belongsTo("prov-1.x." + nonce, "prov-1")).isFalse();
    assertThat(RequestId.belongsTo("+", "prov-1")).isFalse();
  }
}
