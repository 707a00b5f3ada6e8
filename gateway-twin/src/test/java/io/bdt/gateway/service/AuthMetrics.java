package io.bdt.gateway.service;

import static io.restassured.RestAssured.given;

/** The gateway's refusal counter as a Prometheus scraper reads it (with a metrics-reader token). */
final class AuthMetrics {
  private AuthMetrics() {}

  /** {@code bdt_auth_refused_total{status, reason}} now; 0 before the first such refusal. */
  static double refused(String status, String reason) {
    String metrics =
        given()
            .header(
                "Authorization", "Bearer " + EmbeddedBroker.tokens.token("prom", "metrics-reader"))
            .get("/q/metrics")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    for (String line : metrics.split("\n")) {
      if (line.startsWith("bdt_auth_refused_total{")
          && line.contains("status=\"" + status + "\"")
          && line.contains("reason=\"" + reason + "\"")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return 0;
  }
}
