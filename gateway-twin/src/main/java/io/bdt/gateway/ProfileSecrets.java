package io.bdt.gateway;

import io.bdt.service.security.CommandLineSecrets;

/**
 * Reads a device profile's provisioning secret, refusing a profile that has none: the service ships
 * no secret (a known default would let anyone provision devices), so each deployment gives its own
 * in the environment or, on Kubernetes, from a Secret (docs/security.md).
 */
public final class ProfileSecrets {

  private ProfileSecrets() {}

  /**
   * Profile {@code id}'s secret.
   *
   * @throws IllegalStateException naming the setting and its environment variable when the profile
   *     has no secret or a blank one
   */
  public static String of(String id, GatewayConfig.Profile profile) {
    return profile
        .secret()
        .filter(s -> !s.isBlank())
        .orElseThrow(() -> new IllegalStateException(missing(id)));
  }

  /** Why profile {@code id} cannot be used, and how to give it its secret. */
  static String missing(String id) {
    String setting = "bdt.gateway.profiles." + id + ".secret";
    return "device profile "
        + id
        + " has no provisioning secret: set "
        + setting
        + " in the environment ("
        + CommandLineSecrets.environmentName(setting)
        + "; on Kubernetes from the gateway-profiles Secret that deploy/k8s/new-network.sh makes),"
        + " never as a -D argument. The service ships no default secret.";
  }
}
