package io.bdt.platform;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.bdt.gateway.access.hivemq.BrokerAccessExtension;
import java.util.Locale;

/**
 * Logback appender on HiveMQ's TLS handshake log ({@value #LOGGER}, DEBUG): every handshake the
 * broker failed because the client's certificate does not chain to the platform CA is reported to
 * the device-identity extension as {@code untrusted-certificate}, which publishes it on the refusal
 * topic the gateways count. HiveMQ CE has no other trace of it: the handshake fails in its TLS
 * layer before any CONNECT an extension could see, and its metrics count no TLS failures.
 * Handshakes the <em>client</em> broke off (it did not trust the broker: "Received fatal alert")
 * and failures for other reasons (protocol versions, ciphers) are not counted.
 */
public final class HandshakeRefusals extends AppenderBase<ILoggingEvent> {

  /** HiveMQ CE's logger of failed TLS handshakes. */
  static final String LOGGER = "com.hivemq.security.ssl.SslExceptionHandler";

  /** The extension of the broker in this process (one per process). */
  private static volatile BrokerAccessExtension extension;

  static void reportTo(BrokerAccessExtension target) {
    extension = target;
  }

  @Override
  protected void append(ILoggingEvent event) {
    String message = event.getFormattedMessage();
    BrokerAccessExtension target = extension;
    if (target == null || message == null || !untrustedCertificate(message)) {
      return;
    }
    Object[] args = event.getArgumentArray();
    String client = args != null && args.length > 0 ? String.valueOf(args[0]) : "";
    target.refuseUntrustedCertificate(client, message);
  }

  /** Whether a handshake log line says the client's certificate failed verification here. */
  static boolean untrustedCertificate(String message) {
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
