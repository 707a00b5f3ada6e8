package io.bdt.platform;

import io.bdt.pki.IssuedCertificate;
import io.bdt.pki.PlatformCa;
import io.bdt.pki.TlsContexts;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * The platform's TLS material under {@code <data dir>/pki}: the CA (created on the first start,
 * reused afterwards), a server certificate for the loopback services (broker, HTTPS APIs) issued on
 * every start, and client certificates on demand. Every file is PEM; keys are owner-only.
 */
public final class PlatformPki {

  static final Duration CA_VALIDITY = Duration.ofDays(3650);
  static final Duration LEAF_VALIDITY = Duration.ofDays(397);

  /** Host names every local service answers on. */
  static final List<String> LOCAL_HOSTS = List.of("localhost", "127.0.0.1");

  private final PlatformCa ca;
  private final Path dir;

  private PlatformPki(PlatformCa ca, Path dir) {
    this.ca = ca;
    this.dir = dir;
  }

  /** Opens or creates the CA in {@code dir} and issues the services' server certificate. */
  public static PlatformPki open(Path dir, Clock clock) throws IOException {
    PlatformCa ca = PlatformCa.openOrCreate(dir, "B-DT platform CA", CA_VALIDITY, clock);
    PlatformPki pki = new PlatformPki(ca, dir);
    ca.issueServer(LOCAL_HOSTS, LEAF_VALIDITY).write(pki.serverCertificate(), pki.serverKey());
    return pki;
  }

  /** Whether the CA was created by this start. */
  boolean created() {
    return ca.created();
  }

  PlatformCa ca() {
    return ca;
  }

  /** The CA certificate every client trusts. */
  public Path caCertificate() {
    return ca.certificateFile();
  }

  /** The local services' server certificate chain (PEM). */
  public Path serverCertificate() {
    return dir.resolve("server.pem");
  }

  /** The local services' server key (PEM, owner-only). */
  public Path serverKey() {
    return dir.resolve("server-key.pem");
  }

  /**
   * Issues a client certificate for {@code id} (CN = id) into {@code clients/<id>.pem} and {@code
   * clients/<id>-key.pem}.
   */
  IssuedCertificate issueClient(String id) throws IOException {
    IssuedCertificate issued = ca.issueClient(id, LEAF_VALIDITY);
    issued.write(clientCertificate(id), dir.resolve("clients").resolve(id + "-key.pem"));
    return issued;
  }

  /** Where {@link #issueClient} writes {@code id}'s certificate. */
  Path clientCertificate(String id) {
    return dir.resolve("clients").resolve(id + ".pem");
  }

  /**
   * The settings that serve a Quarkus service's REST API over HTTPS with the server certificate
   * (its default TLS configuration; plain HTTP stays closed, docs/security.md "HTTPS").
   */
  Map<String, String> httpsSettings() {
    return Map.of(
        "quarkus.tls.key-store.pem.0.cert", serverCertificate().toString(),
        "quarkus.tls.key-store.pem.0.key", serverKey().toString());
  }

  /** A client TLS context that trusts this CA (host names verified by the HTTP client). */
  SSLContext clientContext() throws IOException {
    return TlsContexts.trusting(Optional.of(caCertificate()));
  }

  /** One line for the user: where the CA and the server certificate are. */
  String describe() {
    return (created() ? "created CA " : "CA ")
        + caCertificate()
        + " (key "
        + dir.resolve(PlatformCa.KEY_FILE)
        + ", owner-only); server certificate "
        + serverCertificate()
        + " for "
        + String.join(", ", LOCAL_HOSTS);
  }
}
