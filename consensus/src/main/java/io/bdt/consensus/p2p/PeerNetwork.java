package io.bdt.consensus.p2p;

import io.bdt.consensus.block.Block;
import io.bdt.consensus.chain.Blockchain;
import io.bdt.consensus.chain.TransactionPool;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.tuweni.bytes.Bytes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.ECKeyPair;

/**
 * A node's peer-to-peer network on {@code ws://<p2p>/bdt/p2p/1}: keeps connections to its peers
 * (dialling, redialling with backoff) over {@link PeerTransport} (WebSocket), and has {@link
 * PeerRouter} route each connection's messages to its roles: {@link Handshake} (signed hello/auth,
 * admission of the chain's miners and named observers), {@link Gossip} ({@code tx}, {@code block})
 * and {@link BlockSync} ({@code get-status}, {@code get-blocks}). A peer that sends invalid data
 * after the handshake is disconnected with the reason and its node address banned for {@link
 * #BAN_PERIOD}. The protocol is documented in docs/consensus.md, "Peer protocol".
 */
public final class PeerNetwork implements AutoCloseable {
  /** The WebSocket path of protocol version 1. */
  public static final String PATH = "/bdt/p2p/1";

  /** Protocol version carried in the hello. */
  public static final int VERSION = 1;

  /** Most blocks one {@code get-blocks} request returns. */
  public static final int MAX_BLOCKS_PER_REQUEST = 128;

  /** Largest WebSocket frame (bytes) a node accepts; a larger one bans the sender. */
  public static final int MAX_FRAME_BYTES = 32 << 20;

  /** A {@code blocks} answer stops adding blocks past this many payload characters. */
  static final int MAX_REPLY_CHARS = 8 << 20;

  /** How long a node address that sent invalid data stays banned. */
  public static final Duration BAN_PERIOD = Duration.ofMinutes(10);

  /** How long a request waits for its answer. */
  public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  /** How long a connection may take to finish the hello/auth handshake. */
  public static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(5);

  /** WebSocket ping interval; a peer silent for about twice this is dropped. */
  static final int PING_SECONDS = 15;

  static final Duration MIN_BACKOFF = Duration.ofMillis(200);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

  /** Close code: the peer runs another protocol version, chain id or genesis. */
  public static final int CLOSE_WRONG_CHAIN = 4001;

  /** Close code: the peer's node address is banned. */
  public static final int CLOSE_BANNED = 4002;

  /** Close code: the peer sent invalid data after the handshake and is now banned. */
  public static final int CLOSE_INVALID = 4003;

  /** Close code: the handshake failed (bad signature, wrong order, bad nonce, timeout). */
  public static final int CLOSE_HANDSHAKE = 4004;

  /** Close code: disconnected on purpose (operator, connection to self, shutdown). */
  public static final int CLOSE_DISCONNECTED = 4005;

  /**
   * Close code: the peer's node key is neither in the chain's miner set nor an admitted observer.
   */
  public static final int CLOSE_NOT_ADMITTED = 4006;

  /** What the network has counted since start. */
  public record Counters(
      long messagesIn,
      long messagesOut,
      long handshakes,
      long handshakesRejected,
      long invalidMessages,
      long bans,
      long requestTimeouts,
      long dials,
      long tlsRefused) {}

  private static final Logger LOG = LoggerFactory.getLogger(PeerNetwork.class);
  private final Blockchain chain;
  private final Set<Bytes> observers;
  private final Clock clock;
  private final PeerCounters counters = new PeerCounters();
  private final PeerTransport transport;
  private final URI url;
  private final NodeIdentity me;
  private final PeerBook book;
  private final Handshake handshake;
  private final BlockSync sync;
  private final Gossip gossip;
  private final PeerRouter router;
  private final ScheduledExecutorService dialer;
  private volatile boolean ready;
  private volatile boolean closed;

  public PeerNetwork(
      Blockchain chain,
      TransactionPool pool,
      ECKeyPair key,
      InetSocketAddress bind,
      Collection<URI> initialPeers)
      throws IOException {
    this(
        chain,
        pool,
        key,
        bind,
        initialPeers,
        Set.of(),
        Optional.empty(),
        Optional.empty(),
        Clock.systemUTC());
  }

  /**
   * A network admitting peers whose node key is in the chain's miner set (genesis or on chain, as
   * the chain's reputation source says) or among {@code observers} (node addresses of nodes that
   * follow the chain without mining, admitted by the operator). Peers learn to dial it at {@code
   * advertisedHost} (see {@link #advertisedHost}); with {@code tls} every connection is mutual TLS
   * ({@code wss://}) with certificates of the CA it names.
   */
  public PeerNetwork(
      Blockchain chain,
      TransactionPool pool,
      ECKeyPair key,
      InetSocketAddress bind,
      Collection<URI> initialPeers,
      Set<Bytes> observers,
      Optional<String> advertisedHost,
      Optional<PeerTls> tls,
      Clock clock)
      throws IOException {
    this.chain = chain;
    this.observers = Set.copyOf(observers);
    this.clock = clock;
    this.transport = new PeerTransport(bind, tls, new Events(), clock, counters);
    this.url =
        URI.create(
            transport.scheme()
                + "://"
                + advertisedHost(bind, advertisedHost)
                + ":"
                + transport.port());
    this.me = new NodeIdentity(key, url.toString());
    this.book = new PeerBook(url, initialPeers.stream().map(this::canonical).toList(), clock);
    this.sync = new BlockSync(chain, me, transport, counters, this::violation);
    this.handshake =
        new Handshake(
            chain,
            me,
            book,
            transport,
            counters,
            this::admitted,
            this::canonical,
            s -> {
              if (s.hello.number() > chain.head().number()) {
                sync.later(s);
              }
            });
    this.gossip = new Gossip(chain, pool, me, transport, sync);
    this.router = new PeerRouter(counters, transport, book, handshake, gossip, sync);
    pool.onAdmitted(tx -> gossip.broadcast("tx", tx.raw().toHexString(), null));
    this.ready = true;
    this.dialer =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("p2p-dialer").daemon().factory());
    dialer.scheduleWithFixedDelay(this::tick, 0, 100, TimeUnit.MILLISECONDS);
  }

  /**
   * A peer's URL in canonical form {@code ws://host:port}: {@code http} maps to {@code ws}, {@code
   * https} to {@code wss}, and a path is dropped (the protocol path is fixed).
   */
  public static URI peerUrl(URI peer) {
    String scheme =
        switch (String.valueOf(peer.getScheme())) {
          case "ws", "http" -> "ws";
          case "wss", "https" -> "wss";
          default ->
              throw new IllegalArgumentException(
                  "peer URL " + peer + ": scheme must be ws:// (or http://, mapped to ws://)");
        };
    if (peer.getHost() == null || peer.getPort() < 0) {
      throw new IllegalArgumentException("peer URL " + peer + ": needs a host and a port");
    }
    return URI.create(scheme + "://" + peer.getHost() + ":" + peer.getPort());
  }

  /**
   * The host peers are told to dial: the configured one; else the bind address, unless that is the
   * wildcard ({@code 0.0.0.0}, {@code ::}), which no peer can dial; then this machine's fully
   * qualified host name (a Kubernetes pod behind a headless Service resolves to its own DNS name).
   */
  static String advertisedHost(InetSocketAddress bind, Optional<String> configured) {
    if (configured.isPresent()) {
      return configured.get();
    }
    InetAddress a = bind.getAddress();
    if (a != null && !a.isAnyLocalAddress()) {
      return a instanceof Inet6Address ? "[" + a.getHostAddress() + "]" : a.getHostAddress();
    }
    try {
      String name = InetAddress.getLocalHost().getCanonicalHostName();
      LOG.info(
          "P2P binds {}: advertising the host name {} (set the advertised host to override)",
          bind,
          name);
      return name;
    } catch (UnknownHostException e) {
      throw new IllegalStateException(
          "P2P binds "
              + bind
              + " and this host's name does not resolve ("
              + e.getMessage()
              + "): configure the advertised host peers should dial",
          e);
    }
  }

  /**
   * A peer URL in this network's form: {@link #peerUrl}, with the scheme this node speaks ({@code
   * wss} with TLS, where every peer serves TLS too).
   */
  private URI canonical(URI peer) {
    URI p = peerUrl(peer);
    return URI.create(transport.scheme() + "://" + p.getHost() + ":" + p.getPort());
  }

  /** This node's P2P URL ({@code ws://host:port}, {@code wss://} with TLS). */
  public URI url() {
    return url;
  }

  /** This node's address (node key). */
  public Bytes address() {
    return me.address();
  }

  /** Known peer URLs (configured, added, or learned from hellos). */
  public Set<URI> peers() {
    return book.peers();
  }

  /** Node addresses of peers with a completed handshake. */
  public Set<Bytes> connected() {
    return Set.copyOf(transport.links().keySet());
  }

  /** Node addresses banned for sending invalid data, whose ban has not expired. */
  public Set<Bytes> banned() {
    return book.banned();
  }

  /**
   * The sync in progress: present while a connected peer's head (from its hello, its blocks and its
   * status answers) is above ours.
   */
  public Optional<SyncStatus> syncStatus() {
    return sync.status();
  }

  /** What the network has counted since start. */
  public Counters counters() {
    return counters.snapshot();
  }

  /** Adds a peer and dials it (accepting it again if it was disconnected). */
  public void connect(URI peer) {
    book.connect(canonical(peer));
  }

  /** Closes the connections to a peer and refuses it until {@link #connect} (a partition). */
  public void disconnect(URI peer) {
    URI p = canonical(peer);
    book.refuse(p);
    for (Session s : transport.sessions()) {
      if (p.equals(s.dialed) || p.equals(s.listen)) {
        transport.close(s, CLOSE_DISCONNECTED, "disconnected by operator");
      }
    }
  }

  /** Sends {@code block} to every connected peer. */
  public void announce(Block block) {
    gossip.broadcast("block", block.rlp().toHexString(), null);
  }

  /**
   * Fetches and imports blocks from every connected peer whose chain is longer. Waits (at most
   * {@link #HANDSHAKE_TIMEOUT}) until every configured peer has either connected or failed once, so
   * that a node starting up syncs before it mines.
   */
  public void syncFromPeers() {
    Instant end = clock.instant().plus(HANDSHAKE_TIMEOUT);
    while (!closed && clock.instant().isBefore(end) && !book.firstContactDone(linkedUrls())) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    for (Session s : transport.links().values()) {
      sync.syncFrom(s);
    }
  }

  /**
   * Whether {@code node} may complete the handshake: an observer, or in the chain's miner set at
   * the head (the genesis APs and those the on-chain registry records), so a key nobody registered,
   * such as the fresh key of a banned AP, is a stranger.
   */
  public boolean admitted(Bytes node) {
    return observers.contains(node) || chain.reputation().inMinerSetAt(node, chain.head());
  }

  @Override
  public void close() {
    closed = true;
    dialer.shutdownNow();
    transport.shutdown("node shutting down");
    sync.close();
  }

  /** The URLs (dialled and advertised) of linked peers. */
  private Set<URI> linkedUrls() {
    Set<URI> linked = new HashSet<>();
    for (Session s : transport.links().values()) {
      addUrls(s, linked);
    }
    return linked;
  }

  /** Invalid data: before the handshake the connection is refused, after it the peer is banned. */
  private void violation(Session s, String reason) {
    router.violation(s, reason);
  }

  private static void addUrls(Session s, Set<URI> into) {
    if (s.dialed != null) {
      into.add(s.dialed);
    }
    if (s.listen != null) {
      into.add(s.listen);
    }
  }

  // ---- connection life cycle

  private void tick() {
    try {
      Instant now = clock.instant();
      book.expireBans();
      Set<URI> connecting = new HashSet<>();
      for (Session s : transport.sessions()) {
        if (!s.authed && !s.closing && s.opened.plus(HANDSHAKE_TIMEOUT).isBefore(now)) {
          counters.handshakesRejected.increment();
          transport.close(
              s, CLOSE_HANDSHAKE, "handshake not completed within " + HANDSHAKE_TIMEOUT);
        }
        addUrls(s, connecting);
      }
      if (!closed) {
        book.due(connecting).forEach(transport::dial);
      }
    } catch (RuntimeException e) {
      LOG.warn("p2p dialer: {}", e.toString());
    }
  }

  /** The transport's events, routed to the roles. */
  private final class Events implements PeerTransport.Listener {
    @Override
    public void opened(Session s) {
      if (!ready) {
        // an inbound connection before this node finished starting: the peer redials
        transport.close(s, CLOSE_DISCONNECTED, "node starting");
        return;
      }
      handshake.start(s);
    }

    // a connection opened before this node finished starting is closed at once (above); the
    // router exists once ready is set

    @Override
    public void received(Session s, String text) {
      if (ready) {
        router.receive(s, text);
      }
    }

    @Override
    public void binaryFrame(Session s) {
      if (ready) {
        violation(s, "binary frames are not part of the protocol");
      }
    }

    @Override
    public void closed(Session s, int code, String reason, boolean remote) {
      if (ready) {
        router.closed(s, code, reason, remote);
      }
    }
  }
}
