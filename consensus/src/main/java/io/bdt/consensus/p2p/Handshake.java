package io.bdt.consensus.p2p;

import io.bdt.consensus.chain.Blockchain;
import java.net.URI;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.apache.tuweni.bytes.Bytes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hello/auth exchange that opens every connection: each side sends a signed hello (protocol
 * version, chain id, genesis, head, a fresh nonce) and answers the other's with an {@code auth}
 * signing its nonce. A peer on another chain, banned, or not admitted (neither in the chain's miner
 * set nor an observer) is refused with the close code saying which; a peer that completes the
 * exchange is linked.
 */
final class Handshake {
  private static final Logger LOG = LoggerFactory.getLogger(Handshake.class);
  private final Blockchain chain;
  private final String genesis;
  private final NodeIdentity me;
  private final PeerBook book;
  private final PeerTransport transport;
  private final PeerCounters counters;
  private final Predicate<Bytes> admitted;
  private final UnaryOperator<URI> canonical;
  private final Consumer<Session> linked;

  /**
   * @param admitted whether a node address may take part
   * @param canonical a peer's advertised URL in the form this node dials
   * @param linked called (on the session's inbox thread) when a peer completed the handshake
   */
  Handshake(
      Blockchain chain,
      NodeIdentity me,
      PeerBook book,
      PeerTransport transport,
      PeerCounters counters,
      Predicate<Bytes> admitted,
      UnaryOperator<URI> canonical,
      Consumer<Session> linked) {
    this.chain = chain;
    this.genesis = chain.store().canonicalHash(0).orElseThrow().toHexString();
    this.me = me;
    this.book = book;
    this.transport = transport;
    this.counters = counters;
    this.admitted = admitted;
    this.canonical = canonical;
    this.linked = linked;
  }

  /** Sends this node's hello on a connection that just opened. */
  void start(Session s) {
    Hello hello =
        new Hello(
            PeerNetwork.VERSION,
            chain.spec().chainId(),
            genesis,
            chain.head().number(),
            chain.head().hash().toHexString(),
            s.nonce.toHexString());
    transport.send(s, me.signed("hello", 0, hello.payload()));
  }

  /** Takes the next handshake message {@code m}, signed by {@code signer}. */
  void step(Session s, Envelope m, Bytes signer) {
    if (s.hello == null) {
      hello(s, m, signer);
    } else if (!"auth".equals(m.type())) {
      refuse(s, "expected auth, got " + m.type());
    } else if (!signer.equals(s.peer)) {
      refuse(s, "auth signed by " + signer + " but hello by " + s.peer);
    } else if (!s.nonce.toHexString().equals(m.payload())) {
      refuse(s, "auth does not sign our nonce");
    } else {
      s.authed = true;
      counters.handshakes.increment();
      book.learn(s.listen);
      LOG.info("peer {} connected (head {})", s, s.hello.number());
      linked.accept(s);
    }
  }

  /** Invalid data before the handshake completed: no address is proven, so only refuse. */
  void refuse(Session s, String reason) {
    counters.invalidMessages.increment();
    counters.handshakesRejected.increment();
    LOG.warn("refusing connection {}: {}", s, reason);
    transport.close(s, PeerNetwork.CLOSE_HANDSHAKE, reason);
  }

  private void hello(Session s, Envelope m, Bytes signer) {
    if (!"hello".equals(m.type())) {
      refuse(s, "expected hello, got " + m.type());
      return;
    }
    Hello h;
    URI theirUrl;
    try {
      h = Hello.parse(m.payload());
      theirUrl = m.listen() == null ? null : canonical.apply(URI.create(m.listen()));
    } catch (IllegalArgumentException e) {
      refuse(s, "malformed hello: " + e.getMessage());
      return;
    }
    Optional<Instant> until = book.bannedUntil(signer);
    if (until.isPresent()) {
      counters.handshakesRejected.increment();
      transport.close(
          s, PeerNetwork.CLOSE_BANNED, "node " + signer + " is banned until " + until.get());
      return;
    }
    if (signer.equals(me.address())) {
      book.forget(s.dialed);
      transport.close(s, PeerNetwork.CLOSE_DISCONNECTED, "connected to self");
      return;
    }
    String wrong = wrongChain(h);
    if (wrong != null) {
      counters.handshakesRejected.increment();
      LOG.warn("peer {} ({}) is on another chain: {}", theirUrl, signer, wrong);
      book.forget(s.dialed);
      transport.close(s, PeerNetwork.CLOSE_WRONG_CHAIN, "wrong chain: " + wrong);
      return;
    }
    if (!admitted.test(signer)) {
      // only APs (and observers the operator named) take part: a banned AP that comes back
      // with a fresh key is a stranger
      counters.handshakesRejected.increment();
      LOG.warn("refusing peer {} ({}): not in the miner set", theirUrl, signer);
      transport.close(
          s, PeerNetwork.CLOSE_NOT_ADMITTED, "node " + signer + " is not in the chain's miner set");
      return;
    }
    if (book.isRefused(theirUrl)) {
      transport.close(s, PeerNetwork.CLOSE_DISCONNECTED, "disconnected by operator");
      return;
    }
    s.hello = h;
    s.head = h.number();
    s.peer = signer;
    s.listen = theirUrl;
    transport.send(s, me.signed("auth", 0, h.nonce()));
  }

  /** Why a hello is for another chain, or null if it is for ours. */
  private String wrongChain(Hello h) {
    if (h.version() != PeerNetwork.VERSION) {
      return "protocol version " + h.version() + ", expected " + PeerNetwork.VERSION;
    }
    if (h.chainId() != chain.spec().chainId()) {
      return "chain id " + h.chainId() + ", expected " + chain.spec().chainId();
    }
    if (!genesis.equals(h.genesis())) {
      return "genesis " + h.genesis() + ", expected " + genesis;
    }
    return null;
  }
}
