package io.bdt.ap;

import io.bdt.ap.chain.ApChain;
import io.bdt.ap.chain.MiningDecisions;
import io.bdt.ap.coordinator.PeerShares;
import io.bdt.ap.coordinator.SlotCoordinator;
import io.bdt.ap.offload.OffloadLane;
import io.bdt.ap.offload.OffloadRejected;
import io.bdt.ap.receipt.ReceiptBook;
import io.bdt.ap.status.ReputationTrack;
import io.bdt.ap.trust.GatewayProofs;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;

/**
 * The access point's meters in {@code /q/metrics}: its offload lane, receipts, reputation, chain
 * node (height, P2P, JSON-RPC refusals), mining share, slot coordinator and the refusals of gateway
 * and peer requests, each read from the part of {@link AccessPoint} that counts it.
 */
final class ApMetrics {

  private ApMetrics() {}

  /** Registers every meter of {@code ap} in {@code metrics}; called once its parts have started. */
  static void register(MeterRegistry metrics, AccessPoint ap) {
    OffloadLane lane = ap.lane();
    ReceiptBook receipts = ap.receipts();
    ReputationTrack track = ap.track();
    ApChain chain = ap.chain();
    MiningDecisions mining = ap.mining();
    SlotCoordinator coordinator = ap.coordinator();
    PeerShares peerShares = ap.peerShares();
    GatewayProofs peerProofs = ap.peerProofs();
    GatewayProofs gatewayProofs = ap.gatewayProofs();
    metrics.gauge("bdt_ap_queue_waiting", lane, l -> l.counters().waiting());
    metrics.more().counter("bdt_ap_tasks_served", List.of(), lane, l -> l.counters().served());
    metrics
        .more()
        .counter("bdt_ap_frames_malformed", List.of(), lane, l -> l.counters().malformed());
    metrics
        .more()
        .counter("bdt_ap_tasks_overloaded", List.of(), lane, l -> l.counters().overloaded());
    for (OffloadRejected.Reason reason : OffloadRejected.Reason.values()) {
      metrics
          .more()
          .counter(
              "bdt_ap_offloads_refused",
              List.of(io.micrometer.core.instrument.Tag.of("reason", reason.name())),
              lane,
              l -> l.refusedByReason().get(reason));
    }
    metrics.gauge("bdt_ap_receipts_pending", receipts, ReceiptBook::pendingCount);
    metrics
        .more()
        .counter("bdt_ap_receipts_refused", List.of(), receipts, ReceiptBook::refusedCount);
    metrics
        .more()
        .counter("bdt_ap_receipts_dropped", List.of(), receipts, ReceiptBook::droppedCount);
    metrics.gauge("bdt_ap_reputation", track, ReputationTrack::reputation);
    metrics.gauge("bdt_ap_virtual_queue", track, ReputationTrack::queue);
    metrics.gauge("bdt_ap_block_height", chain, c -> c.height());
    chain
        .node()
        .network()
        .ifPresent(
            n -> {
              metrics.gauge("bdt_ap_p2p_peers_connected", n, p -> p.connected().size());
              metrics.more().counter("bdt_ap_p2p_bans", List.of(), n, p -> p.counters().bans());
              metrics
                  .more()
                  .counter(
                      "bdt_ap_p2p_invalid_messages",
                      List.of(),
                      n,
                      p -> p.counters().invalidMessages());
              metrics
                  .more()
                  .counter(
                      "bdt_ap_p2p_handshakes_rejected",
                      List.of(),
                      n,
                      p -> p.counters().handshakesRejected());
              // peer certificates refused by the P2P TLS CA check (also in handshakes_rejected)
              metrics
                  .more()
                  .counter("bdt_ap_p2p_tls_refused", List.of(), n, p -> p.counters().tlsRefused());
            });
    for (io.bdt.consensus.rpc.RpcRefusals.Limit limit :
        io.bdt.consensus.rpc.RpcRefusals.Limit.values()) {
      metrics
          .more()
          .counter(
              "bdt_ap_rpc_refused",
              List.of(io.micrometer.core.instrument.Tag.of("limit", limit.metricName())),
              chain.node(),
              n -> n.rpcRefusals().refused(limit));
    }
    metrics.more().counter("bdt_ap_mining_share_changes", List.of(), mining, m -> m.changes());
    metrics
        .more()
        .counter("bdt_ap_coordinator_slots", List.of(), coordinator, SlotCoordinator::decided);
    metrics
        .more()
        .counter(
            "bdt_ap_coordinator_demands_decided",
            List.of(),
            coordinator,
            SlotCoordinator::demandsDecided);
    for (SlotCoordinator.Refusal reason : SlotCoordinator.Refusal.values()) {
      metrics
          .more()
          .counter(
              "bdt_ap_coordinator_demands_refused",
              List.of(io.micrometer.core.instrument.Tag.of("reason", reason.label())),
              coordinator,
              c -> c.refused(reason));
    }
    metrics
        .more()
        .counter("bdt_ap_coordinator_push_failures", List.of(), peerShares, PeerShares::failures);
    for (GatewayProofs.Reason reason : GatewayProofs.Reason.values()) {
      metrics
          .more()
          .counter(
              "bdt_ap_peer_requests_refused",
              List.of(io.micrometer.core.instrument.Tag.of("reason", reason.label())),
              peerProofs,
              p -> p.refused(reason));
    }
    metrics.gauge("bdt_ap_mining_share_hz", mining, m -> m.inForce().miningShareHz());
    metrics
        .more()
        .counter("bdt_ap_share_headers_rejected", List.of(), ap, AccessPoint::rejectedShareHeaders);
    for (GatewayProofs.Reason reason : GatewayProofs.Reason.values()) {
      metrics
          .more()
          .counter(
              "bdt_ap_gateway_requests_refused",
              List.of(io.micrometer.core.instrument.Tag.of("reason", reason.label())),
              gatewayProofs,
              p -> p.refused(reason));
    }
    metrics
        .more()
        .counter("bdt_ap_gateway_requests_proven", List.of(), gatewayProofs, GatewayProofs::proven);
  }
}
