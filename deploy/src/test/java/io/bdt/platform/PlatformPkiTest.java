package io.bdt.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.pki.Pem;
import io.bdt.pki.PlatformCa;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class PlatformPkiTest {

  @TempDir Path dir;

  @Test
  void createsTheCaOnTheFirstStartAndKeepsItAfterwards() throws Exception {
    PlatformPki first = PlatformPki.open(dir, Clock.systemUTC());
    PlatformPki second = PlatformPki.open(dir, Clock.systemUTC());

    assertThat(first.created()).isTrue();
    assertThat(second.created()).isFalse();
    assertThat(Pem.readCertificate(second.caCertificate())).isEqualTo(first.ca().certificate());
    assertThat(second.describe()).contains(dir.resolve("ca.pem").toString());
  }

  @Test
  void issuesAServerCertificateForTheLoopbackServicesSignedByTheCa() throws Exception {
    PlatformPki pki = PlatformPki.open(dir, Clock.systemUTC());

    X509Certificate server = Pem.readCertificate(pki.serverCertificate());
    server.verify(pki.ca().publicKey());
    assertThat(PlatformCa.commonName(server)).isEqualTo("localhost");
    assertThat(Pem.readPrivateKey(pki.serverKey())).isNotNull();
  }

  @Test
  void issuesClientCertificatesNamedForTheirHolder() throws Exception {
    PlatformPki pki = PlatformPki.open(dir, Clock.systemUTC());

    pki.issueClient("vib-7");

    X509Certificate client = Pem.readCertificate(pki.clientCertificate("vib-7"));
    client.verify(pki.ca().publicKey());
    assertThat(PlatformCa.commonName(client)).isEqualTo("vib-7");
  }
}
