package io.bdt.ap;

import io.bdt.ap.chain.ApChain;
import io.bdt.ap.chain.MiningDecisions;
import io.bdt.ap.coordinator.PeerShares;
import io.bdt.ap.coordinator.SlotCoordinator;
import io.bdt.ap.offload.OffloadLane;
import io.bdt.ap.offload.OffloadRejected;
import io.bdt.ap.offload.ShareClaims;
import io.bdt.ap.receipt.ReceiptBook;
import io.bdt.ap.status.ReputationTrack;
import io.bdt.ap.trust.GatewayProofs;
import io.bdt.consensus.rpc.RpcRefusals;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToDoubleBiFunction;
import java.util.function.ToDoubleFunction;

/**
 * The access point's meters in {@code /q/metrics}: its offload lane, receipts, reputation, chain
 * node (height, P2P, JSON-RPC refusals), mining share, slot coordinator and the refusals of gateway
 * and peer requests, each read from the part of {@link AccessPoint} that counts it.
 */
final class ApMetrics {

  private final MeterRegistry metrics;

  private ApMetrics(MeterRegistry metrics) {
    this.metrics = metrics;
  }

  /** Registers every meter of {@code ap} in {@code metrics}; called once its parts have started. */
  static void register(MeterRegistry metrics, AccessPoint ap) {
    ApMetrics m = new ApMetrics(metrics);
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
    m.counter("bdt_ap_tasks_served", lane, l -> l.counters().served());
    m.counter("bdt_ap_frames_malformed", lane, l -> l.counters().malformed());
    m.counter("bdt_ap_tasks_overloaded", lane, l -> l.counters().overloaded());
    m.counters(
        "bdt_ap_offloads_refused",
        "reason",
        OffloadRejected.Reason.values(),
        OffloadRejected.Reason::name,
        lane,
        (l, reason) -> l.refusedByReason().get(reason));
    metrics.gauge("bdt_ap_receipts_pending", receipts, ReceiptBook::pendingCount);
    m.counter("bdt_ap_receipts_refused", receipts, ReceiptBook::refusedCount);
    m.counter("bdt_ap_receipts_dropped", receipts, ReceiptBook::droppedCount);
    metrics.gauge("bdt_ap_reputation", track, ReputationTrack::reputation);
    metrics.gauge("bdt_ap_virtual_queue", track, ReputationTrack::queue);
    m.counters(
        "bdt_ap_slots_skipped",
        "reason",
        SkippedSlots.Reason.values(),
        r -> r.label,
        ap.skippedSlots(),
        SkippedSlots::count);
    metrics.gauge("bdt_ap_block_height", chain, c -> c.height());
    chain
        .node()
        .network()
        .ifPresent(
            n -> {
              metrics.gauge("bdt_ap_p2p_peers_connected", n, p -> p.connected().size());
              m.counter("bdt_ap_p2p_bans", n, p -> p.counters().bans());
              m.counter("bdt_ap_p2p_invalid_messages", n, p -> p.counters().invalidMessages());
              m.counter(
                  "bdt_ap_p2p_handshakes_rejected", n, p -> p.counters().handshakesRejected());
              // peer certificates refused by the P2P TLS CA check (also in handshakes_rejected)
              m.counter("bdt_ap_p2p_tls_refused", n, p -> p.counters().tlsRefused());
            });
    m.counters(
        "bdt_ap_rpc_refused",
        "limit",
        RpcRefusals.Limit.values(),
        RpcRefusals.Limit::metricName,
        chain.node(),
        (n, limit) -> n.rpcRefusals().refused(limit));
    m.counter("bdt_ap_mining_share_changes", mining, MiningDecisions::changes);
    m.counter("bdt_ap_coordinator_slots", coordinator, SlotCoordinator::decided);
    m.counter("bdt_ap_coordinator_demands_decided", coordinator, SlotCoordinator::demandsDecided);
    m.counters(
        "bdt_ap_coordinator_demands_refused",
        "reason",
        SlotCoordinator.Refusal.values(),
        SlotCoordinator.Refusal::label,
        coordinator,
        SlotCoordinator::refused);
    m.counter("bdt_ap_coordinator_push_failures", peerShares, PeerShares::failures);
    m.counters(
        "bdt_ap_peer_requests_refused",
        "reason",
        GatewayProofs.Reason.values(),
        GatewayProofs.Reason::label,
        peerProofs,
        GatewayProofs::refused);
    m.counters(
        "bdt_ap_share_claims_refused",
        "reason",
        ShareClaims.Reason.values(),
        ShareClaims.Reason::label,
        ap.shareClaims(),
        ShareClaims::refused);
    metrics.gauge("bdt_ap_mining_share_hz", mining, d -> d.inForce().miningShareHz());
    m.counter("bdt_ap_share_headers_rejected", ap, AccessPoint::rejectedShareHeaders);
    m.counters(
        "bdt_ap_gateway_requests_refused",
        "reason",
        GatewayProofs.Reason.values(),
        GatewayProofs.Reason::label,
        gatewayProofs,
        GatewayProofs::refused);
    m.counter("bdt_ap_gateway_requests_proven", gatewayProofs, GatewayProofs::proven);
  }

  /** A counter without tags that reads its count from {@code source}. */
  private <T> void counter(String name, T source, ToDoubleFunction<T> count) {
    metrics.more().counter(name, List.of(), source, count);
  }

  /**
   * One counter per value of {@code values}, tagged {@code tag=label(value)}, each reading its
   * count of that value from {@code source}.
   */
  private <T, V> void counters(
      String name,
      String tag,
      V[] values,
      Function<V, String> label,
      T source,
      ToDoubleBiFunction<T, V> count) {
    for (V value : values) {
      metrics
          .more()
          .counter(
              name,
              List.of(Tag.of(tag, label.apply(value))),
              source,
              s -> count.applyAsDouble(s, value));
    }
  }
}
