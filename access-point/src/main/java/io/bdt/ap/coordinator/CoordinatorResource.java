package io.bdt.ap.coordinator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bdt.ap.AccessPoint;
import io.bdt.ap.offload.OffloadResource;
import io.bdt.ap.trust.GatewayProofs;
import io.bdt.optimizer.joint.GatewayAssignment;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

/**
 * The slot coordinator's HTTP face (docs/dpra.md, "The slot coordinator"): {@code POST
 * /coordinator/demand} takes a registered gateway's signed demand for a slot and answers its
 * assignment once the slot's joint decision is made; {@code POST /coordinator/mining-share} takes
 * this AP's mining share of a joint decision, and the assignments of the gateways it serves, from
 * the AP that coordinated it (signed by an AP of the genesis). Every refusal is counted by reason.
 */
@Path("/coordinator")
@PermitAll // no bearer token: the caller's signature is checked here, on the body it covers
public class CoordinatorResource {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final AccessPoint ap;

  public CoordinatorResource(AccessPoint ap) {
    this.ap = ap;
  }

  @POST
  @Path("/demand")
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(summary = "A gateway's demand for a slot; answers its part of the joint decision")
  @SecurityRequirement(name = "gatewaySignature")
  public Response demand(byte[] body, @Context HttpHeaders headers) {
    return switch (ap.gatewayProofs()
        .check("POST", "/coordinator/demand", body, headers::getHeaderString)) {
      case GatewayProofs.Verdict.Refused r -> OffloadResource.error(r.reason().status, r.message());
      case GatewayProofs.Verdict.Proven p -> decide(p.gateway(), body);
    };
  }

  /** Takes {@code gateway}'s demand {@code body} into its slot's round and waits for the answer. */
  public Response decide(String gateway, byte[] body) {
    SlotCoordinator coordinator = ap.coordinator();
    try {
      SlotDemand demand;
      try {
        demand = SlotDemand.read(JSON.readTree(body), ap.queues().addresses().size());
      } catch (IOException | IllegalArgumentException e) {
        throw coordinator.refuse(SlotCoordinator.Refusal.INVALID, e.getMessage());
      }
      ap.queues().demandSeen(System.currentTimeMillis());
      GatewayAssignment a =
          coordinator
              .submit(demand.slot(), demand.toDemand(gateway, ap.modelCosts(demand)))
              .get(answerMillis(), TimeUnit.MILLISECONDS);
      return Response.ok(answer(demand.slot(), a)).build();
    } catch (SlotCoordinator.Refused e) {
      return refused(e);
    } catch (ExecutionException e) {
      return e.getCause() instanceof SlotCoordinator.Refused r
          ? refused(r)
          : OffloadResource.error(503, "the joint decision failed: " + e.getCause().getMessage());
    } catch (TimeoutException e) {
      return OffloadResource.error(503, "the joint decision took too long");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return OffloadResource.error(503, "interrupted");
    }
  }

  private long answerMillis() {
    return (long) (ap.config().coordinator().gatherSeconds() * 1000) + 2_000;
  }

  private Map<String, Object> answer(long slot, GatewayAssignment a) {
    return Map.of(
        "slot", slot,
        "cut", a.cut(),
        "servingAp", a.servingAp(),
        "inferenceShare", a.inferenceShare(),
        "miningShare", a.miningShare(),
        "predictedSecondsPerSample", a.predictedSecondsPerSample(),
        "gateways", a.gateways(),
        "coordinator", ap.chain().address());
  }

  private static Response refused(SlotCoordinator.Refused e) {
    return Response.status(e.reason().status)
        .type(MediaType.APPLICATION_JSON)
        .entity(Map.of("error", e.getMessage(), "reason", e.reason().name()))
        .build();
  }

  @POST
  @Path("/mining-share")
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(summary = "This AP's mining share of a joint decision, from the coordinating AP")
  @SecurityRequirement(name = "gatewaySignature")
  public Response miningShare(byte[] body, @Context HttpHeaders headers) {
    return switch (ap.peerProofs().check("POST", PeerShares.PATH, body, headers::getHeaderString)) {
      case GatewayProofs.Verdict.Refused r -> OffloadResource.error(r.reason().status, r.message());
      case GatewayProofs.Verdict.Proven p -> applyShare(p.gateway(), body);
    };
  }

  /**
   * The gateways this AP serves in the pushed slot, {@code [{gateway, inferenceShare, slotTasks}]}
   * (absent: none).
   */
  static List<ServingAssignment> assignments(JsonNode gateways, int self) {
    if (gateways == null) {
      return List.of();
    }
    if (!gateways.isArray()) {
      throw new IllegalArgumentException("gateways: must be a list of assignments");
    }
    List<ServingAssignment> out = new ArrayList<>();
    for (JsonNode g : gateways) {
      JsonNode share = g.get("inferenceShare");
      JsonNode tasks = g.get("slotTasks");
      if (!g.path("gateway").isTextual()
          || share == null
          || !share.isNumber()
          || tasks == null
          || !tasks.canConvertToInt()
          || !tasks.isIntegralNumber()) {
        throw new IllegalArgumentException(
            "gateways: each needs gateway (address), inferenceShare (Hz) and slotTasks (whole"
                + " number), got "
                + g);
      }
      // the coordinator pushes each AP the gateways it serves
      out.add(
          new ServingAssignment(g.get("gateway").asText(), self, share.asDouble(), tasks.asInt()));
    }
    return out;
  }

  /** Applies the share in {@code body} that AP {@code coordinator} decided. */
  public Response applyShare(String coordinator, byte[] body) {
    try {
      JsonNode share = JSON.readTree(body);
      JsonNode slot = share == null ? null : share.get("slot");
      JsonNode hz = share == null ? null : share.get("miningShareHz");
      if (slot == null || !slot.isIntegralNumber() || slot.asLong() < 0) {
        throw new IllegalArgumentException("slot: must be a whole number >= 0");
      }
      if (hz == null || !hz.isNumber()) {
        throw new IllegalArgumentException("miningShareHz: must be a number of Hz");
      }
      List<ServingAssignment> gateways =
          assignments(share.get("gateways"), Math.max(0, ap.selfIndex()));
      ap.jointMiningShare(slot.asLong(), hz.asDouble(), coordinator);
      ap.shareClaims().assigned(slot.asLong(), hz.asDouble(), gateways);
      return Response.ok(Map.of("miningShareHz", ap.miningShareHz())).build();
    } catch (IOException | IllegalArgumentException e) {
      ap.rejectedShareHeader();
      return OffloadResource.error(400, "mining share: " + e.getMessage());
    }
  }
}
