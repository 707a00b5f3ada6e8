package io.bdt.service.security;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.tls.TlsConfiguration;
import io.quarkus.tls.TlsConfigurationRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Keeps a service's REST API on HTTPS unless plain HTTP was asked for: at start, a service without
 * a TLS certificate refuses to run unless {@code quarkus.http.insecure-requests=enabled}, and every
 * service that serves plain HTTP says so in a warning (docs/security.md, "HTTPS").
 */
@ApplicationScoped
public class HttpsCheck {
  private static final Logger LOG = Logger.getLogger(HttpsCheck.class);

  /** The setting that opens plain HTTP, and its value that does. */
  static final String INSECURE = "quarkus.http.insecure-requests";

  void check(
      @Observes StartupEvent ev,
      TlsConfigurationRegistry registry,
      @ConfigProperty(name = "quarkus.http.tls-configuration-name") Optional<String> name,
      @ConfigProperty(name = INSECURE, defaultValue = "enabled") String insecure) {
    Optional<TlsConfiguration> tls =
        name.isPresent() ? registry.get(name.get()) : registry.getDefault();
    boolean certificate = tls.map(t -> t.getKeyStore() != null).orElse(false);
    plainHttpWarning(certificate, insecure).ifPresent(LOG::warn);
  }

  /**
   * What to warn about, given whether a server certificate is configured and the value of {@link
   * #INSECURE}; throws when there is neither a certificate nor an explicit plain-HTTP choice.
   */
  static Optional<String> plainHttpWarning(boolean certificate, String insecure) {
    boolean plain = insecure.toLowerCase(Locale.ROOT).equals("enabled");
    if (!certificate && !plain) {
      throw new IllegalStateException(
          "no TLS certificate for HTTPS: set quarkus.tls.key-store.pem.0.cert and"
              + " quarkus.tls.key-store.pem.0.key (PEM files; ./bdt platform writes"
              + " pki/server.pem and pki/server-key.pem), or serve plain HTTP with "
              + INSECURE
              + "=enabled");
    }
    if (!certificate) {
      return Optional.of(
          INSECURE
              + "=enabled and no TLS certificate: this service's REST API is plain HTTP; tokens"
              + " and data cross the network in clear");
    }
    if (plain) {
      return Optional.of(
          INSECURE
              + "=enabled: besides HTTPS, plain HTTP is served on quarkus.http.port; tokens and"
              + " data sent there cross the network in clear");
    }
    return Optional.empty();
  }
}
