package io.bdt.ap.offload;

import io.bdt.ap.AccessPoint;
import io.bdt.ap.trust.GatewayProofs;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeIn;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;

/**
 * {@code POST /offload}: one codec frame in, the tail's result out (AP protocol), for registered
 * gateways only: the request carries the gateway's proof ({@link GatewayProofs}), and its share
 * headers count as that proven gateway's decision.
 */
@Path("/offload")
@SecurityScheme(
    securitySchemeName = "gatewaySignature",
    type = SecuritySchemeType.APIKEY,
    in = SecuritySchemeIn.HEADER,
    apiKeyName = "X-Bdt-Signature",
    description =
        "A registered gateway's secp256k1 signature (EIP-191) over method, path, audience, body"
            + " SHA-256, X-Bdt-Timestamp and X-Bdt-Nonce, with X-Bdt-Gateway naming the gateway"
            + " (docs/security.md)")
@PermitAll // no bearer token: the gateway's signature is checked here, on the body it covers
public class OffloadResource {
  private final AccessPoint ap;

  public OffloadResource(AccessPoint ap) {
    this.ap = ap;
  }

  @POST
  @Consumes({"application/vnd.bdt.frame", MediaType.APPLICATION_OCTET_STREAM})
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(summary = "Run the tail of one offloaded task (registered gateways, signed requests)")
  @SecurityRequirement(name = "gatewaySignature")
  public Response offload(byte[] frame, @Context HttpHeaders headers) {
    return switch (ap.gatewayProofs().check("POST", "/offload", frame, headers::getHeaderString)) {
      case GatewayProofs.Verdict.Refused r -> error(r.reason().status, r.message());
      case GatewayProofs.Verdict.Proven p ->
          serve(
              p.gateway(),
              frame,
              headers.getHeaderString("X-Bdt-Task-Id"),
              headers.getHeaderString(ShareHeader.SLOT),
              headers.getHeaderString(ShareHeader.INFERENCE),
              headers.getHeaderString(ShareHeader.MINING),
              headers.getHeaderString(ShareHeader.SLOT_TASKS));
    };
  }

  /** {@link #serve(String, byte[], String, String, String, String, String)} for one task. */
  public Response serve(
      String gateway,
      byte[] frame,
      String taskId,
      String slot,
      String inferenceShare,
      String miningShare) {
    return serve(gateway, frame, taskId, slot, inferenceShare, miningShare, null);
  }

  /**
   * Serves {@code frame} for the proven {@code gateway}: its share headers are validated, its
   * mining share taken as its (local) decision, its claimed share and slot tasks checked against
   * the slot ({@link ShareClaims}: 403 with the reason when they disagree), and the task's receipt
   * is to credit the AP with its part of the slot's inference share, {@link
   * io.bdt.parameters.ChainParameters#receiptFlops}.
   */
  public Response serve(
      String gateway,
      byte[] frame,
      String taskId,
      String slot,
      String inferenceShare,
      String miningShare,
      String slotTasks) {
    double budget = ap.budget();
    double share;
    int tasks;
    long t;
    try {
      tasks = ShareHeader.slotTasks(slotTasks);
      t = ShareHeader.slot(slot);
      share =
          inferenceShare == null
              ? budget
              : ShareHeader.hz(ShareHeader.INFERENCE, inferenceShare, budget);
      if (miningShare != null) {
        double mining = ShareHeader.hz(ShareHeader.MINING, miningShare, budget);
        if (inferenceShare != null) {
          ShareHeader.checkSum(share, mining, budget);
        }
        ap.decidedMiningShare(gateway, t, mining);
      }
    } catch (IllegalArgumentException e) {
      ap.rejectedShareHeader();
      return error(400, e.getMessage());
    }
    String task = taskId == null ? "" : taskId;
    try {
      // the claimed share, AP and slot tasks against the slot's assignment (or the budget left)
      if (ap.shareClaims().claim(gateway, t, task, share, tasks)
          instanceof ShareClaims.Verdict.Refused r) {
        return error(403, r.reason().name(), r.message());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return error(503, "interrupted");
    }
    try {
      OffloadResult result = ap.lane().serve(task, frame, share);
      // what the gateway's receipt for this task must say for the AP to co-sign it: its part of
      // f_mn^I in the ledger's unit, so that the ledger's x_m is sum_n f_mn^I / F_m
      ap.receipts().served(taskId, gateway, ap.parameters().receiptFlops(share, tasks), t);
      return Response.ok(result).build();
    } catch (OffloadRejected.Exception e) {
      ap.shareClaims().release(gateway, t, task);
      return switch (e.rejection()) {
        case OffloadRejected.BadRequest b -> error(400, b.reason(), b.message());
        case OffloadRejected.Overloaded o -> error(503, o.reason(), o.message());
      };
    }
  }

  /**
   * A refused task's JSON answer {@code {"error": message, "reason": REASON}}; gateways count
   * refusals by {@code reason}.
   */
  public static Response error(int status, OffloadRejected.Reason reason, String message) {
    return error(status, reason.name(), message);
  }

  /** A refused request's JSON answer {@code {"error": message, "reason": reason}}. */
  public static Response error(int status, String reason, String message) {
    return Response.status(status)
        .type(MediaType.APPLICATION_JSON)
        .entity(Map.of("error", message, "reason", reason))
        .build();
  }

  /** A JSON error answer {@code {"error": message}}. */
  public static Response error(int status, String message) {
    return Response.status(status)
        .type(MediaType.APPLICATION_JSON)
        .entity(Map.of("error", message))
        .build();
  }
}
