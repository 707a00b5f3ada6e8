package io.bdt.service.security;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.security.spi.runtime.AuthenticationFailureEvent;
import io.quarkus.security.spi.runtime.AuthorizationFailureEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Counts refused REST calls in {@code bdt_auth_refused_total{status, reason}}: 401 for a missing,
 * malformed, expired or wrongly signed token ({@code reason} the failure's kind), 403 for a valid
 * token without the role the endpoint needs ({@code reason=missing-role}) or refused by a check of
 * the service's own ({@link #forbidden}, e.g. twin grants).
 */
@ApplicationScoped
public class AuthRefusals {
  private final MeterRegistry meters;

  public AuthRefusals(MeterRegistry meters) {
    this.meters = meters;
  }

  void authentication(@Observes AuthenticationFailureEvent event) {
    count("401", reason(event.getAuthenticationFailure()));
  }

  void authorization(@Observes AuthorizationFailureEvent event) {
    boolean anonymous =
        event.getSecurityIdentity() == null || event.getSecurityIdentity().isAnonymous();
    count(anonymous ? "401" : "403", anonymous ? "no-token" : "missing-role");
  }

  /**
   * Counts a 403 that a service decided itself after the role check passed, e.g. a token whose twin
   * grants do not cover the twin ({@code missing-grant}, {@code invalid-grants}).
   */
  public void forbidden(String reason) {
    count("403", reason);
  }

  private void count(String status, String reason) {
    meters.counter("bdt_auth_refused", "status", status, "reason", reason).increment();
  }

  /** The failure's kind: an expired token, a bad signature, or another invalid token. */
  static String reason(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String m = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
      if (m.contains("expired") || m.contains("no longer valid") || m.contains("exp)")) {
        return "expired-token";
      }
      if (m.contains("signature")) {
        return "bad-signature";
      }
    }
    return "invalid-token";
  }
}
