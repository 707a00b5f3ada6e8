package io.bdt.gateway.api;

import io.bdt.contracts.auth.Roles;
import io.bdt.gateway.anchor.AnchorArchive;
import io.bdt.gateway.anchor.TwinAnchoring;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * REST API of the anchors: a thing's anchored records, and the inclusion proof of a served result
 * in the anchor that holds it; both only for callers whose twin grants let them read that thing.
 */
@Path("/anchors")
@Produces(MediaType.APPLICATION_JSON)
public class AnchorResource {

  private final TwinAnchoring anchoring;
  private final TwinGrantCheck grants;

  public AnchorResource(TwinAnchoring anchoring, TwinGrantCheck grants) {
    this.anchoring = anchoring;
    this.grants = grants;
  }

  @RolesAllowed({Roles.TWIN_READER, Roles.TWIN_WRITER, Roles.OPERATOR})
  @GET
  @Path("/twin/{thingId}")
  @Operation(
      summary =
          "Every anchored record of a thing (twin snapshots, results) with its Merkle proof, newest"
              + " first, for TwinAnchor.verify")
  public Response twin(
      @jakarta.ws.rs.PathParam("thingId") String thingId,
      @QueryParam("limit") @jakarta.ws.rs.DefaultValue("50") int limit)
      throws java.io.IOException {
    if (limit < 1 || limit > 1000) {
      return Problems.badRequest("limit: 1 to 1000, was " + limit);
    }
    var refused = grants.refusal(io.bdt.contracts.auth.TwinGrant.Access.READ, thingId);
    if (refused.isPresent()) {
      return refused.get();
    }
    var records = anchoring.recordsOf(thingId, limit);
    if (records.isEmpty()) {
      return Problems.notFound("no anchored record of thing " + thingId + " on this gateway");
    }
    return Response.ok(java.util.Map.of("thingId", thingId, "records", records)).build();
  }

  @RolesAllowed({Roles.TWIN_READER, Roles.TWIN_WRITER, Roles.OPERATOR})
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
    var proof = anchoring.proofOfResult(taskId);
    if (proof.isEmpty()) {
      return Problems.notFound(
          "no recent anchor holds the result of task " + taskId + " (not anchored yet)");
    }
    // the result names its thing: the caller must be able to read that twin (a result whose
    // thing cannot be told is readable only by callers whose grants do not narrow them)
    var refused =
        grants.refusal(
            io.bdt.contracts.auth.TwinGrant.Access.READ,
            AnchorArchive.thingOf(proof.get().itemText()).orElse("?"));
    return refused.orElseGet(() -> Response.ok(proof.get()).build());
  }
}
