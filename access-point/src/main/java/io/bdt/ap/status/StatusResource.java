package io.bdt.ap.status;

import io.bdt.ap.AccessPoint;
import io.bdt.ap.offload.ComputeShare;
import io.bdt.ap.offload.OffloadLane;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;

/** {@code GET /status}: budget, virtual queue, reputation and shares (AP protocol). */
@Path("/status")
public class StatusResource {
  private final AccessPoint ap;

  public StatusResource(AccessPoint ap) {
    this.ap = ap;
  }

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public ApStatus status() throws IOException {
    OffloadLane.Counters c = ap.lane().counters();
    double budget = ap.config().budget();
    double inference = ap.lane().inferenceShareHz();
    ComputeShare inferenceShare = ComputeShare.of(inference, budget, ap.cores());
    var minerShare =
        io.bdt.ap.chain.MiningShares.of(ap.config().chain().miningShare(), budget, ap.cores());
    return new ApStatus(
        org.web3j.crypto.Keys.toChecksumAddress(ap.chain().address()),
        budget,
        ap.track().queue(),
        ap.chain().reputation(ap.chain().address()),
        inference,
        ap.miningShareHz(),
        inferenceShare.threads(),
        inferenceShare.dutyCycle(),
        minerShare.threads(),
        minerShare.dutyCycle(),
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
        ap.chain().p2pUrl());
  }
}
