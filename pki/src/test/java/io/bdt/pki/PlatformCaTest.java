package io.bdt.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlatformCaTest {

  private static final Duration YEAR = Duration.ofDays(365);

  @TempDir Path dir;

  @Test
  void createsTheCaOnceAndReopensTheSameOne() throws IOException {
    PlatformCa first = PlatformCa.openOrCreate(dir, "test CA", YEAR, Clock.systemUTC());
    PlatformCa again = PlatformCa.openOrCreate(dir, "test CA", YEAR, Clock.systemUTC());

    assertThat(first.created()).isTrue();
    assertThat(again.created()).isFalse();
    assertThat(again.certificate()).isEqualTo(first.certificate());
    assertThat(first.certificate().getBasicConstraints()).isZero();
  }

  @Test
  void keepsTheCaKeyReadableByItsOwnerOnly() throws IOException {
    PlatformCa.openOrCreate(dir, "test CA", YEAR, Clock.systemUTC());

    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve(PlatformCa.KEY_FILE))))
        .isEqualTo("rw-------");
  }

  @Test
  void refusesADirectoryHoldingOnlyTheCertificate() throws IOException {
    PlatformCa.openOrCreate(dir, "test CA", YEAR, Clock.systemUTC());
    Files.delete(dir.resolve(PlatformCa.KEY_FILE));

    assertThatThrownBy(() -> PlatformCa.openOrCreate(dir, "test CA", YEAR, Clock.systemUTC()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("ca-key.pem");
  }

  @Test
  void issuesServerCertificatesNamingTheirHostsAndSignedByTheCa() throws Exception {
    PlatformCa ca = PlatformCa.openOrCreate(dir, "test CA", YEAR, Clock.systemUTC());

    IssuedCertificate server = ca.issueServer(List.of("localhost", "127.0.0.1"), YEAR);

    server.certificate().verify(ca.publicKey());
    assertThat(
            server.certificate().getSubjectAlternativeNames().stream()
                .map(n -> (Object) n.get(1))
                .toList())
        .containsExactly((Object) "localhost", "127.0.0.1");
    assertThat(PlatformCa.commonName(server.certificate())).isEqualTo("localhost");
  }

  @Test
  void roundTripsIssuedCertificatesThroughPemFiles() throws Exception {
    PlatformCa ca = PlatformCa.openOrCreate(dir, "test CA", YEAR, Clock.systemUTC());
    IssuedCertificate device = ca.issueClient("vib-1", YEAR);

    device.write(dir.resolve("vib-1.pem"), dir.resolve("vib-1-key.pem"));

    List<X509Certificate> chain = Pem.readCertificates(dir.resolve("vib-1.pem"));
    assertThat(chain).containsExactly(device.certificate(), ca.certificate());
    assertThat(Pem.readPrivateKey(dir.resolve("vib-1-key.pem"))).isEqualTo(device.key());
    assertThat(PlatformCa.commonName(chain.getFirst())).isEqualTo("vib-1");
  }

  @Test
  void mutualTlsSucceedsBetweenPeersHoldingCertificatesOfTheCa() throws Exception {
    PlatformCa ca = PlatformCa.openOrCreate(dir, "test CA", YEAR, Clock.systemUTC());
    writeServerAndClient(ca, ca);

    assertThat(handshake()).isEqualTo("vib-1");
  }

  @Test
  void refusesAClientCertificateFromAnotherCa() throws Exception {
    PlatformCa ca = PlatformCa.openOrCreate(dir, "test CA", YEAR, Clock.systemUTC());
    PlatformCa rogue =
        PlatformCa.openOrCreate(dir.resolve("rogue"), "rogue CA", YEAR, Clock.systemUTC());
    writeServerAndClient(ca, rogue);

    assertThatThrownBy(this::handshake).isInstanceOf(Exception.class);
  }

  private void writeServerAndClient(PlatformCa serverCa, PlatformCa clientCa) throws IOException {
    serverCa
        .issueServer(List.of("localhost", "127.0.0.1"), YEAR)
        .write(dir.resolve("server.pem"), dir.resolve("server-key.pem"));
    clientCa
        .issueClient("vib-1", YEAR)
        .write(dir.resolve("client.pem"), dir.resolve("client-key.pem"));
  }

  /** One mutual-TLS exchange on a loopback port; returns the client CN the server saw. */
  private String handshake() throws Exception {
    Path caPem = dir.resolve(PlatformCa.CERT_FILE);
    SSLContext serverContext =
        TlsContexts.fromPem(
            caPem,
            Optional.of(dir.resolve("server.pem")),
            Optional.of(dir.resolve("server-key.pem")));
    SSLContext clientContext =
        TlsContexts.fromPem(
            caPem,
            Optional.of(dir.resolve("client.pem")),
            Optional.of(dir.resolve("client-key.pem")));
    try (SSLServerSocket server =
        (SSLServerSocket)
            serverContext
                .getServerSocketFactory()
                .createServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      server.setNeedClientAuth(true);
      CompletableFuture<String> seen =
          CompletableFuture.supplyAsync(
              () -> {
                try (SSLSocket s = (SSLSocket) server.accept()) {
                  s.startHandshake();
                  X509Certificate peer = (X509Certificate) s.getSession().getPeerCertificates()[0];
                  s.getOutputStream().write(1);
                  return PlatformCa.commonName(peer);
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              });
      try (SSLSocket client =
          (SSLSocket)
              clientContext.getSocketFactory().createSocket("localhost", server.getLocalPort())) {
        client.startHandshake();
        InputStream in = client.getInputStream();
        OutputStream out = client.getOutputStream();
        out.flush();
        if (in.read() != 1) {
          throw new SSLException("the server closed the connection");
        }
      }
      return seen.get(30, TimeUnit.SECONDS);
    }
  }
}
