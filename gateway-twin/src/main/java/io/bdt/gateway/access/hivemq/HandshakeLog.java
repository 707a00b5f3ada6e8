package io.bdt.gateway.access.hivemq;

import java.util.Locale;

/**
 * Reads HiveMQ CE's log of failed TLS handshakes ({@value #LOGGER}, DEBUG, {@code "SSL Handshake
 * failed for client with IP {}: {}"}): the only trace HiveMQ leaves of a client certificate its TLS
 * layer refused, before any CONNECT an extension could see (its metrics count no TLS failures).
 * Whoever runs the broker routes that logger's lines here and reports the ones that say the
 * client's certificate failed verification to {@link
 * BrokerAccessExtension#refuseUntrustedCertificate} (the platform launcher through Logback, the
 * tests' broker through JBoss LogManager).
 */
public final class HandshakeLog {

  /** HiveMQ CE's logger of failed TLS handshakes. */
  public static final String LOGGER = "com.hivemq.security.ssl.SslExceptionHandler";

  private HandshakeLog() {}

  /**
   * Whether a handshake log line says the client's certificate failed verification here. Handshakes
   * the <em>client</em> broke off (it did not trust the broker: "Received fatal alert") and
   * failures for other reasons (protocol versions, ciphers) do not count.
   */
  public static boolean untrustedCertificate(String message) {
    String m = message.toLowerCase(Locale.ROOT);
    if (!m.contains("handshake") || m.contains("received fatal alert")) {
      return false;
    }
    return m.contains("pkix")
        || m.contains("certification path")
        || m.contains("certpath")
        || m.contains("certificate_unknown")
        || m.contains("bad_certificate")
        || m.contains("unknown_ca")
        || m.contains("signature check failed")
        || m.contains("validatorexception")
        || m.contains("no trusted certificate");
  }
}
