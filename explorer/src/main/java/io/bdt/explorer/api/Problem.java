package io.bdt.explorer.api;

import jakarta.ws.rs.core.Response;
import java.util.Map;

/** An RFC 9457 problem response. */
final class Problem {
  private Problem() {}

  static Response of(int status, String detail) {
    return Response.status(status)
        .type("application/problem+json")
        .entity(
            Map.of(
                "status",
                status,
                "title",
                status == 404 ? "Not Found" : "Bad Request",
                "detail",
                detail))
        .build();
  }
}
