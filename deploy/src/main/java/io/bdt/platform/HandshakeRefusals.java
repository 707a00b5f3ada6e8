package io.bdt.platform;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.bdt.gateway.access.hivemq.BrokerAccessExtension;
import io.bdt.gateway.access.hivemq.HandshakeLog;

/**
 * Logback appender on HiveMQ's TLS handshake log ({@link HandshakeLog#LOGGER}, DEBUG): every
 * handshake the broker failed because the client's certificate does not chain to the platform CA
 * ({@link HandshakeLog#untrustedCertificate}) is reported to the device-identity extension as
 * {@code untrusted-certificate}, which publishes it on the refusal topic the gateways count.
 */
public final class HandshakeRefusals extends AppenderBase<ILoggingEvent> {

  /** The extension of the broker in this process (one per process). */
  private static volatile BrokerAccessExtension extension;

  static void reportTo(BrokerAccessExtension target) {
    extension = target;
  }

  @Override
  protected void append(ILoggingEvent event) {
    String message = event.getFormattedMessage();
    BrokerAccessExtension target = extension;
    if (target == null || message == null || !HandshakeLog.untrustedCertificate(message)) {
      return;
    }
    Object[] args = event.getArgumentArray();
    String client = args != null && args.length > 0 ? String.valueOf(args[0]) : "";
    target.refuseUntrustedCertificate(client, message);
  }
}
