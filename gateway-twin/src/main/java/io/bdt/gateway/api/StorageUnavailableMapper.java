package io.bdt.gateway.api;

import io.bdt.gateway.storage.StorageUnavailableException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * A write the disk cannot take: 503 with the reason ({@code "write refused: the twins store's write
 * failed (IOException: No space left on device) since ..."}) and {@code Retry-After: 5}. The write
 * is not confirmed; a REST write whose own fsync failed may still appear if the disk recovers
 * before a restart (docs/reliability.md).
 */
@Provider
public class StorageUnavailableMapper implements ExceptionMapper<StorageUnavailableException> {

  @Override
  public Response toResponse(StorageUnavailableException e) {
    Response problem = Problems.of(503, e.getMessage());
    return Response.fromResponse(problem).header("Retry-After", "5").build();
  }
}
