package io.bdt.ap.status;

import io.bdt.ap.AccessPoint;
import io.bdt.ap.chain.MiningDecisions;
import io.bdt.ap.offload.ComputeShare;
import io.bdt.ap.offload.OffloadLane;
import io.bdt.ap.offload.OffloadResource;
import io.bdt.ap.trust.GatewayProofs;
import io.bdt.consensus.pow.Miner;
import io.bdt.consensus.pow.MiningShare;
import io.bdt.contracts.auth.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

/**
 * {@code GET /status}: budget, virtual queue, reputation and shares (AP protocol). Read by people
 * and tools with a bearer token (twin-reader or operator) and by registered gateways with a signed
 * request ({@link GatewayProofs}, empty audience).
 */
@Path("/status")
@PermitAll // either credential works, so the check is here rather than in @RolesAllowed
public class StatusResource {
  private final AccessPoint ap;
  private final SecurityIdentity caller;

  @jakarta.inject.Inject
  public StatusResource(AccessPoint ap, SecurityIdentity caller) {
    this.ap = ap;
    this.caller = caller;
  }

  /** Without a caller: for tests that drive the AP without HTTP. */
  public StatusResource(AccessPoint ap) {
    this(ap, null);
  }

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(summary = "Budget, virtual queue, reputation, shares and counters of this AP")
  @SecurityRequirement(name = "bearer")
  @SecurityRequirement(name = "gatewaySignature")
  public Response get(@Context HttpHeaders headers, @jakarta.ws.rs.QueryParam("slot") Long slot)
      throws IOException {
    boolean reader =
        caller != null && (caller.hasRole(Roles.TWIN_READER) || caller.hasRole(Roles.OPERATOR));
    String gateway = null;
    if (!reader) {
      if (caller != null && !caller.isAnonymous()) {
        return OffloadResource.error(
            403, "GET /status needs the role twin-reader or operator, or a gateway's signature");
      }
      GatewayProofs.Verdict proof =
          ap.gatewayProofs().check("GET", "/status", new byte[0], headers::getHeaderString);
      if (proof instanceof GatewayProofs.Verdict.Proven p) {
        gateway = p.gateway();
      }
      if (proof instanceof GatewayProofs.Verdict.Refused r) {
        return OffloadResource.error(
            r.reason().status,
            r.reason() == GatewayProofs.Reason.MISSING_PROOF
                ? "GET /status needs a bearer token (twin-reader or operator) or a gateway's"
                    + " signed request"
                : r.message());
      }
    }
    if (gateway != null && slot != null) {
      ap.queues().demandSeen(System.currentTimeMillis()); // a gateway deciding this slot locally
    }
    return Response.ok(status(slot, gateway)).build();
  }

  /** The status now. */
  public ApStatus status() throws IOException {
    return status(null, null);
  }

  /**
   * The status now, with what {@code gateway} can claim in {@code slot} when a slot is given (a
   * gateway deciding the slot locally asks, docs/dpra.md "Checking the claimed share").
   */
  public ApStatus status(Long slot, String gateway) throws IOException {
    OffloadLane.Counters c = ap.lane().counters();
    double budget = ap.budget();
    double inference = ap.lane().inferenceShareHz();
    ComputeShare inferenceShare = ComputeShare.of(inference, budget, ap.cores());
    MiningDecisions.InForce mining = ap.mining().inForce();
    MiningShare running = ap.chain().node().miner().map(Miner::share).orElse(mining.miner());
    return new ApStatus(
        org.web3j.crypto.Keys.toChecksumAddress(ap.chain().address()),
        budget,
        ap.track().queue(),
        ap.chain().reputation(ap.chain().address()),
        inference,
        ap.miningShareHz(),
        mining.miningShareHz(),
        mining.appliedAt().map(Instant::toString).orElse(null),
        mining.changes(),
        ap.mining().source().name().toLowerCase(java.util.Locale.ROOT),
        inferenceShare.threads(),
        inferenceShare.dutyCycle(),
        running.threads(),
        running.dutyCycle(),
        ap.rejectedShareHeaders(),
        c.waiting(),
        c.served(),
        c.malformed(),
        ap.receipts().pendingCount(),
        ap.receipts().recordedCount(),
        ap.lane().servedByCut(),
        ap.receipts().meanLatencyMicros(),
        ap.chain().height(),
        ap.chain().rpc("bdt_hashRate").asDouble(),
        ap.chain().rpcUrl(),
        ap.chain().p2pUrl(),
        ap.coordinator().policyName(),
        slot == null ? null : ap.shareClaims().available(slot, gateway),
        ap.lane().apFlopsPerCycle());
  }
}
