package io.bdt.consensus.p2p;

import java.util.concurrent.atomic.LongAdder;

/** What the peer network counts, shared by its parts. */
final class PeerCounters {
  final LongAdder messagesIn = new LongAdder();
  final LongAdder messagesOut = new LongAdder();
  final LongAdder handshakes = new LongAdder();
  final LongAdder handshakesRejected = new LongAdder();
  final LongAdder invalidMessages = new LongAdder();
  final LongAdder bans = new LongAdder();
  final LongAdder requestTimeouts = new LongAdder();
  final LongAdder dials = new LongAdder();
  final LongAdder tlsRefused = new LongAdder();

  PeerNetwork.Counters snapshot() {
    return new PeerNetwork.Counters(
        messagesIn.sum(),
        messagesOut.sum(),
        handshakes.sum(),
        handshakesRejected.sum(),
        invalidMessages.sum(),
        bans.sum(),
        requestTimeouts.sum(),
        dials.sum(),
        tlsRefused.sum());
  }
}
