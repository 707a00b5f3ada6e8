package io.bdt.consensus.p2p;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bdt.consensus.tx.InvalidTransactionException;
import io.bdt.consensus.validation.InvalidBlockException;
import java.io.IOException;
import java.util.Optional;
import org.apache.tuweni.bytes.Bytes;
import org.java_websocket.framing.CloseFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a connection's messages and its close mean to a {@link PeerNetwork}: routes each message, on
 * the session's inbox thread in arrival order, to its role ({@link Handshake} before the handshake;
 * {@link Gossip} and {@link BlockSync} after it), and refuses the connection (before the handshake)
 * or bans the peer (after it) that sends invalid data.
 */
final class PeerRouter {
  private static final Logger LOG = LoggerFactory.getLogger(PeerRouter.class);
  private final ObjectMapper json = new ObjectMapper();
  private final PeerCounters counters;
  private final PeerTransport transport;
  private final PeerBook book;
  private final Handshake handshake;
  private final Gossip gossip;
  private final BlockSync sync;

  PeerRouter(
      PeerCounters counters,
      PeerTransport transport,
      PeerBook book,
      Handshake handshake,
      Gossip gossip,
      BlockSync sync) {
    this.counters = counters;
    this.transport = transport;
    this.book = book;
    this.handshake = handshake;
    this.gossip = gossip;
    this.sync = sync;
  }

  /**
   * Routes one message of {@code s} to its role; a message that breaks the protocol is a violation.
   */
  void receive(Session s, String text) {
    counters.messagesIn.increment();
    if (!s.conn.isOpen()) {
      return;
    }
    Envelope m;
    try {
      m = json.readValue(text, Envelope.class);
    } catch (IOException e) {
      violation(s, "malformed message: not a JSON envelope");
      return;
    }
    if (m.type() == null || m.payload() == null || m.signature() == null) {
      violation(s, "malformed message: type, payload and signature are required");
      return;
    }
    Optional<Bytes> signer = m.signer();
    if (signer.isEmpty()) {
      violation(s, "bad signature on " + m.type());
      return;
    }
    if (!s.authed) {
      handshake.step(s, m, signer.get());
      return;
    }
    if (!signer.get().equals(s.peer)) {
      violation(s, m.type() + " signed by " + signer.get() + ", not by the peer " + s.peer);
      return;
    }
    try {
      switch (m.type()) {
        case "tx" -> gossip.transaction(m);
        case "block" -> gossip.block(s, m);
        case "get-status" -> sync.serveStatus(s, m.id());
        case "get-blocks" -> sync.serveBlocks(s, m);
        case "status", "blocks" -> sync.answered(s, m);
        case "hello", "auth" -> throw new IllegalArgumentException("repeated " + m.type());
        default -> throw new IllegalArgumentException("unknown message type " + m.type());
      }
    } catch (InvalidTransactionException e) {
      if (!Gossip.harmless(e)) {
        violation(s, "invalid tx: " + e.getMessage());
      }
    } catch (InvalidBlockException | IllegalArgumentException e) {
      violation(s, "invalid " + m.type() + ": " + e.getMessage());
    } catch (IOException e) {
      LOG.debug("answering {} failed: {}", s, e.toString());
    }
  }

  /** Invalid data: before the handshake the connection is refused, after it the peer is banned. */
  void violation(Session s, String reason) {
    if (s.authed) {
      counters.invalidMessages.increment();
      ban(s, reason);
    } else {
      handshake.refuse(s, reason);
    }
  }

  private void ban(Session s, String reason) {
    book.ban(s.peer, PeerNetwork.BAN_PERIOD);
    counters.bans.increment();
    LOG.warn("banning peer {} for {}: {}", s, PeerNetwork.BAN_PERIOD, reason);
    book.forget(s.listen);
    book.forget(s.dialed);
    for (Session other : transport.sessions()) {
      if (s.peer.equals(other.peer)) {
        transport.close(other, PeerNetwork.CLOSE_INVALID, "banned: " + reason);
      }
    }
  }

  /**
   * What a closed connection means: its pending requests fail; a frame the WebSocket layer refused
   * bans the peer; a peer on another chain is not dialled again; a dialled one is redialled after
   * its backoff.
   */
  void closed(Session s, int code, String reason, boolean remote) {
    IOException gone = new IOException("connection closed: " + code + " " + reason);
    s.pending.values().forEach(f -> f.completeExceptionally(gone));
    if (!remote
        && (code == CloseFrame.TOOBIG
            || code == CloseFrame.PROTOCOL_ERROR
            || code == CloseFrame.NO_UTF8
            || code == CloseFrame.REFUSE)) {
      // the WebSocket layer refused the peer's frame (oversize, bad framing, bad UTF-8)
      counters.invalidMessages.increment();
      if (s.authed) {
        ban(s, "invalid frame: " + reason);
      } else {
        counters.handshakesRejected.increment();
      }
    }
    if (remote && code == PeerNetwork.CLOSE_WRONG_CHAIN && s.dialed != null) {
      // the peer found we are on another chain: dialling it again cannot succeed
      LOG.warn("peer {} refused us: {}", s, reason);
      book.forget(s.dialed);
    }
    if (s.dialed != null) {
      book.backoff(s.dialed, s.authed);
    }
    if (s.authed) {
      LOG.info("peer {} disconnected: {} {}", s, code, reason);
    } else {
      LOG.debug("connection {} closed before handshake: {} {}", s, code, reason);
    }
  }
}
