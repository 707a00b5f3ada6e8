package io.bdt.gateway.service;

import io.bdt.gateway.access.hivemq.BrokerAccessExtension;
import io.bdt.gateway.access.hivemq.HandshakeLog;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;

/**
 * The test broker's counterpart of the platform's {@code HandshakeRefusals}: in the test JVM HiveMQ
 * logs through SLF4J to JBoss LogManager (the JUL manager here), so a JUL handler on {@link
 * HandshakeLog#LOGGER} reports every handshake that failed on the client's certificate to the
 * extension as {@code untrusted-certificate}.
 */
final class HandshakeRefusalHandler extends Handler {

  /** Held here: JUL keeps loggers weakly, and the level and handler live on this instance. */
  private static final Logger HIVEMQ_TLS = Logger.getLogger(HandshakeLog.LOGGER);

  private final BrokerAccessExtension extension;

  private HandshakeRefusalHandler(BrokerAccessExtension extension) {
    this.extension = extension;
  }

  /**
   * Routes HiveMQ's handshake log (DEBUG) in this JVM to {@code extension}, instead of the broker a
   * test class before had.
   */
  static synchronized void install(BrokerAccessExtension extension) {
    for (Handler h : HIVEMQ_TLS.getHandlers()) {
      // by name: each Quarkus test application loads this class anew
      if (h.getClass().getName().equals(HandshakeRefusalHandler.class.getName())) {
        HIVEMQ_TLS.removeHandler(h);
      }
    }
    HIVEMQ_TLS.setLevel(Level.FINE);
    HIVEMQ_TLS.addHandler(new HandshakeRefusalHandler(extension));
  }

  @Override
  public void publish(LogRecord record) {
    Object[] args = record.getParameters();
    String text = formatted(record.getMessage(), args);
    if (HandshakeLog.untrustedCertificate(text)) {
      extension.refuseUntrustedCertificate(
          args != null && args.length > 0 ? String.valueOf(args[0]) : "", text);
    }
  }

  /** SLF4J's {@code {}} placeholders filled in order; arguments left over are appended. */
  private static String formatted(String message, Object[] args) {
    String text = message == null ? "" : message;
    if (args != null) {
      for (Object a : args) {
        String value = String.valueOf(a);
        text =
            text.contains("{}")
                ? text.replaceFirst("\\{}", Matcher.quoteReplacement(value))
                : text + " " + value;
      }
    }
    return text;
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}
}
