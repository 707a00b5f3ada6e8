package io.bdt.ap.status;

import io.bdt.ap.AccessPoint;
import io.bdt.ap.chain.MiningDecisions;
import io.bdt.ap.offload.ComputeShare;
import io.bdt.ap.offload.OffloadLane;
import io.bdt.consensus.pow.Miner;
import io.bdt.consensus.pow.MiningShare;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.time.Instant;

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
        ap.chain().p2pUrl());
  }
}
