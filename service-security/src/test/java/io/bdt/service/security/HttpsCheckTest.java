package io.bdt.service.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HttpsCheckTest {

  @Test
  void serviceWithoutCertificateOrPlainHttpChoiceRefusesToStartNamingTheSettings() {
    assertThatThrownBy(() -> HttpsCheck.plainHttpWarning(false, "disabled"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("quarkus.tls.key-store.pem.0.cert")
        .hasMessageContaining("quarkus.http.insecure-requests=enabled");
  }

  @Test
  void plainHttpAskedForIsServedWithAWarning() {
    assertThat(HttpsCheck.plainHttpWarning(false, "enabled")).get().asString().contains("in clear");
  }

  @Test
  void plainHttpBesideHttpsIsWarnedAbout() {
    assertThat(HttpsCheck.plainHttpWarning(true, "ENABLED")).isPresent();
  }

  @Test
  void httpsOnlyNeedsNoWarning() {
    assertThat(HttpsCheck.plainHttpWarning(true, "disabled")).isEmpty();
    assertThat(HttpsCheck.plainHttpWarning(true, "redirect")).isEmpty();
  }
}
