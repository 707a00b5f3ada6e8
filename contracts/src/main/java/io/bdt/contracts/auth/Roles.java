package io.bdt.contracts.auth;

import java.util.List;

/**
 * The roles a bearer token (JWT {@code groups} claim) grants on the services' REST APIs, one name
 * everywhere: the services' {@code @RolesAllowed}, {@code ./bdt token --role} and the docs
 * (docs/security.md, "Service authentication").
 */
public final class Roles {
  private Roles() {}

  /** Reads twins, their history and events, anchor proofs, AP status. */
  public static final String TWIN_READER = "twin-reader";

  /** Creates, replaces, patches and deletes twins. */
  public static final String TWIN_WRITER = "twin-writer";

  /** Lists, reads and revokes devices. */
  public static final String DEVICE_ADMIN = "device-admin";

  /** Reads {@code /q/metrics} and nothing else: the token a Prometheus scraper holds. */
  public static final String METRICS_READER = "metrics-reader";

  /** Everything: the platform's own admin token carries it. */
  public static final String OPERATOR = "operator";

  /** Every role, in the order the docs list them. */
  public static final List<String> ALL =
      List.of(TWIN_READER, TWIN_WRITER, DEVICE_ADMIN, METRICS_READER, OPERATOR);
}
