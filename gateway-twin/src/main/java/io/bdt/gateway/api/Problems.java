package io.bdt.gateway.api;

import jakarta.ws.rs.core.Response;
import java.util.Map;

/** Problem responses ({@code {"status", "error"}}) for the REST resources. */
final class Problems {
  private Problems() {}

  static Response badRequest(String error) {
    return of(400, error);
  }

  static Response notFound(String error) {
    return of(404, error);
  }

  static Response of(int status, String error) {
    return Response.status(status)
        .type("application/problem+json")
        .entity(Map.of("status", status, "error", error))
        .build();
  }
}
