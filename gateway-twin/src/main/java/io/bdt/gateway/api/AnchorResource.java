package io.bdt.gateway.api;

import io.bdt.gateway.anchor.TwinAnchoring;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** REST API of the anchors: the inclusion proof of a served result in the anchor that holds it. */
@Path("/anchors")
@Produces(MediaType.APPLICATION_JSON)
public class AnchorResource {

  private final TwinAnchoring anchoring;

  public AnchorResource(TwinAnchoring anchoring) {
    this.anchoring = anchoring;
  }

  @GET
  @Path("/proof")
  @Operation(
      summary =
          "Inclusion proof (root, item, sibling hashes) of the result of a task in its anchor,"
              + " for TwinAnchor.verify")
  public Response proof(@QueryParam("taskId") String taskId) {
    if (taskId == null || taskId.isBlank()) {
      return Problems.badRequest("taskId: required (the result's task id, 0x + 64 hex digits)");
    }
    return anchoring
        .proofOfResult(taskId)
        .map(p -> Response.ok(p).build())
        .orElseGet(
            () ->
                Problems.notFound(
                    "no recent anchor holds the result of task "
                        + taskId
                        + " (not anchored yet, or older than the kept anchors)"));
  }
}
