package io.bdt.consensus.p2p;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.tuweni.bytes.Bytes;
import org.apache.tuweni.bytes.Bytes32;
import org.java_websocket.WebSocket;

/**
 * One WebSocket connection to a peer, inbound or outbound, and what the handshake learnt about the
 * peer. Its messages are handled one at a time, in arrival order, on its own inbox thread.
 */
final class Session {
  private static final SecureRandom RANDOM = new SecureRandom();

  final WebSocket conn;

  /** The URL this node dialled, or null for an inbound connection. */
  final URI dialed;

  final Instant opened;

  /** The nonce this node asks the peer to sign in its {@code auth}. */
  final Bytes32 nonce = Bytes32.random(RANDOM);

  final ExecutorService inbox =
      Executors.newSingleThreadExecutor(Thread.ofVirtual().name("p2p-in").factory());

  /** Requests sent on this connection, by id, waiting for their answer. */
  final Map<Long, CompletableFuture<Envelope>> pending = new ConcurrentHashMap<>();

  volatile Hello hello;

  /** The peer's head number as far as this node knows (hello, blocks, status answers). */
  volatile long head;

  /** The peer's node address, once its hello was accepted. */
  volatile Bytes peer;

  /** The peer's own P2P URL, from its hello. */
  volatile URI listen;

  volatile boolean authed;
  volatile boolean closing;

  Session(WebSocket conn, URI dialed, Instant opened) {
    this.conn = conn;
    this.dialed = dialed;
    this.opened = opened;
  }

  /** Whether this connection completed the handshake and is still open. */
  boolean linked() {
    return authed && conn.isOpen();
  }

  @Override
  public String toString() {
    URI where = listen != null ? listen : dialed;
    return (where == null ? String.valueOf(conn.getRemoteSocketAddress()) : where.toString())
        + (peer == null ? "" : " (" + peer.toHexString() + ")");
  }
}
