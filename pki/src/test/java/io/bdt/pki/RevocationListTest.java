package io.bdt.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertStore;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class RevocationListTest {

  private static final Duration DAY = Duration.ofDays(1);

  @TempDir Path dir;

  @Test
  void aRevokedCertificateFailsPkixValidationAgainstTheWrittenCrlAndOthersPass() throws Exception {
    PlatformCa ca = PlatformCa.openOrCreate(dir.resolve("pki"), "test CA", DAY, Clock.systemUTC());
    X509Certificate revoked = ca.issueClient("dev-1", DAY).chain().getFirst();
    X509Certificate kept = ca.issueClient("dev-2", DAY).chain().getFirst();

    RevocationList.open(ca, Clock.systemUTC()).revoke(revoked, DAY);
    X509CRL crl = RevocationList.read(dir.resolve("pki").resolve(RevocationList.FILE));

    crl.verify(ca.publicKey());
    assertThat(crl.getNextUpdate()).isAfter(crl.getThisUpdate());
    assertThatThrownBy(() -> validate(ca, revoked, crl))
        .isInstanceOfSatisfying(
            CertPathValidatorException.class,
            e ->
                assertThat(e.getReason())
                    .isEqualTo(CertPathValidatorException.BasicReason.REVOKED));
    validate(ca, kept, crl);
  }

  @Test
  void revocationsSurviveReopeningAndAreNotLostByALaterOne() throws Exception {
    PlatformCa ca = PlatformCa.openOrCreate(dir.resolve("pki"), "test CA", DAY, Clock.systemUTC());
    X509Certificate first = ca.issueClient("dev-1", DAY).chain().getFirst();
    X509Certificate second = ca.issueClient("dev-2", DAY).chain().getFirst();
    X509Certificate never = ca.issueClient("dev-3", DAY).chain().getFirst();
    RevocationList.open(ca, Clock.systemUTC()).revoke(first, DAY);

    RevocationList reopened = RevocationList.open(ca, Clock.systemUTC());
    reopened.revoke(second, DAY);

    RevocationList last = RevocationList.open(ca, Clock.systemUTC());
    assertThat(last.revoked(first)).isTrue();
    assertThat(last.revoked(second)).isTrue();
    assertThat(last.revoked(never)).isFalse();
    try (var files = Files.list(dir.resolve("pki"))) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }
  }

  @Test
  void refusesACertificateOfAnotherCaAndACrlSignedByAnotherCa() throws Exception {
    PlatformCa ca = PlatformCa.openOrCreate(dir.resolve("pki"), "test CA", DAY, Clock.systemUTC());
    PlatformCa other =
        PlatformCa.openOrCreate(dir.resolve("other"), "other CA", DAY, Clock.systemUTC());
    X509Certificate foreign = other.issueClient("dev-1", DAY).chain().getFirst();

    assertThatThrownBy(() -> RevocationList.open(ca, Clock.systemUTC()).revoke(foreign, DAY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("was not issued by the CA");

    RevocationList.open(other, Clock.systemUTC()).write(DAY);
    Files.copy(
        dir.resolve("other").resolve(RevocationList.FILE),
        dir.resolve("pki").resolve(RevocationList.FILE));
    assertThatThrownBy(() -> RevocationList.open(ca, Clock.systemUTC()))
        .isInstanceOf(java.io.IOException.class)
        .hasMessageContaining("is not signed by the CA");
  }

  private static void validate(PlatformCa ca, X509Certificate leaf, X509CRL crl) throws Exception {
    PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca.certificate(), null)));
    params.setRevocationEnabled(true);
    params.addCertStore(
        CertStore.getInstance("Collection", new CollectionCertStoreParameters(List.of(crl))));
    CertPathValidator.getInstance("PKIX")
        .validate(CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf)), params);
  }
}
