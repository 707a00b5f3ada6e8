package io.bdt.ap.offload;

import io.bdt.ap.AccessPoint;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/** {@code POST /offload}: one codec frame in, the tail's result out (AP protocol). */
@Path("/offload")
public class OffloadResource {
  private final AccessPoint ap;

  public OffloadResource(AccessPoint ap) {
    this.ap = ap;
  }

  @POST
  @Consumes({"application/vnd.bdt.frame", MediaType.APPLICATION_OCTET_STREAM})
  @Produces(MediaType.APPLICATION_JSON)
  public Response offload(
      byte[] frame,
      @HeaderParam("X-Bdt-Task-Id") String taskId,
      @HeaderParam("X-Bdt-Gateway") String gateway,
      @HeaderParam(ShareHeader.SLOT) String slot,
      @HeaderParam(ShareHeader.INFERENCE) String inferenceShare,
      @HeaderParam(ShareHeader.MINING) String miningShare) {
    double budget = ap.config().budget();
    double share;
    try {
      share =
          inferenceShare == null
              ? budget
              : ShareHeader.hz(ShareHeader.INFERENCE, inferenceShare, budget);
      if (miningShare != null) {
        double mining = ShareHeader.hz(ShareHeader.MINING, miningShare, budget);
        if (inferenceShare != null) {
          ShareHeader.checkSum(share, mining, budget);
        }
        ap.decidedMiningShare(gateway == null ? "" : gateway, ShareHeader.slot(slot), mining);
      }
    } catch (IllegalArgumentException e) {
      ap.rejectedShareHeader();
      return error(400, e.getMessage());
    }
    try {
      return Response.ok(ap.lane().serve(taskId == null ? "" : taskId, frame, share)).build();
    } catch (OffloadRejected.Exception e) {
      return switch (e.rejection()) {
        case OffloadRejected.BadRequest b -> error(400, b.message());
        case OffloadRejected.Overloaded o -> error(503, o.message());
      };
    }
  }

  static Response error(int status, String message) {
    return Response.status(status)
        .type(MediaType.APPLICATION_JSON)
        .entity(Map.of("error", message))
        .build();
  }
}
