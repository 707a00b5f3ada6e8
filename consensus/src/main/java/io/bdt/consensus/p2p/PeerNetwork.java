package io.bdt.consensus.p2p;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bdt.consensus.block.Block;
import io.bdt.consensus.chain.Blockchain;
import io.bdt.consensus.chain.TransactionPool;
import io.bdt.consensus.tx.InvalidTransactionException;
import io.bdt.consensus.tx.SignedTransaction;
import io.bdt.consensus.validation.InvalidBlockException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.apache.tuweni.bytes.Bytes;
import org.apache.tuweni.bytes.Bytes32;
import org.java_websocket.WebSocket;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.ServerHandshake;
import org.java_websocket.handshake.ServerHandshakeBuilder;
import org.java_websocket.server.WebSocketServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;

/**
 * Gossip and sync between nodes over persistent WebSocket connections on {@code
 * ws://<p2p>/bdt/p2p/1}: a signed hello/auth handshake (same chain id and genesis, proof of the
 * node key), then signed {@link Envelope}s: {@code tx}, {@code block}, and the requests {@code
 * get-status} and {@code get-blocks} answered by {@code status} and {@code blocks} with the same
 * id. A peer that sends invalid data (bad signature, malformed message, invalid block or
 * transaction, oversize frame) is disconnected with the reason and its node address banned for
 * {@link #BAN_PERIOD}. Outbound connections to known peers are redialled with exponential backoff;
 * a block whose parent is unknown, or a peer whose head is ahead at handshake, makes the node sync
 * from it. The protocol is documented in docs/consensus.md, "Peer protocol".
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
      long dials) {}

  private static final Logger LOG = LoggerFactory.getLogger(PeerNetwork.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private final ObjectMapper json = new ObjectMapper();
  private final Blockchain chain;
  private final TransactionPool pool;
  private final ECKeyPair key;
  private final Set<Bytes> observers;
  private final Bytes address;
  private final Clock clock;
  private final Server server;
  private final String listen;
  private final URI url;
  private final String genesis;
  private final ExecutorService work;
  private final ScheduledExecutorService dialer;
  private final Set<URI> peers = ConcurrentHashMap.newKeySet();
  private final Set<URI> initialPeers;
  private final Map<Bytes, Instant> banned = new ConcurrentHashMap<>();
  private final Set<URI> refused = ConcurrentHashMap.newKeySet();
  private final Map<URI, Retry> retries = new ConcurrentHashMap<>();
  private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
  private final Map<WebSocket, Session> inbound = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private final AtomicLong syncStart = new AtomicLong(-1);
  private final Object syncLock = new Object();
  private volatile boolean closed;
  private final LongAdder messagesIn = new LongAdder();
  private final LongAdder messagesOut = new LongAdder();
  private final LongAdder handshakes = new LongAdder();
  private final LongAdder handshakesRejected = new LongAdder();
  private final LongAdder invalidMessages = new LongAdder();
  private final LongAdder bans = new LongAdder();
  private final LongAdder requestTimeouts = new LongAdder();
  private final LongAdder dials = new LongAdder();

  private record Retry(Instant next, Duration delay) {}

  public PeerNetwork(
      Blockchain chain,
      TransactionPool pool,
      ECKeyPair key,
      InetSocketAddress bind,
      Collection<URI> initialPeers)
      throws IOException {
    this(chain, pool, key, bind, initialPeers, Set.of(), Clock.systemUTC());
  }

  /**
   * A network admitting peers whose node key is in the chain's miner set (genesis or on chain, as
   * the chain's reputation source says) or among {@code observers} (node addresses of nodes that
   * follow the chain without mining, admitted by the operator).
   */
  public PeerNetwork(
      Blockchain chain,
      TransactionPool pool,
      ECKeyPair key,
      InetSocketAddress bind,
      Collection<URI> initialPeers,
      Set<Bytes> observers,
      Clock clock)
      throws IOException {
    this.chain = chain;
    this.observers = Set.copyOf(observers);
    this.pool = pool;
    this.key = key;
    this.clock = clock;
    this.address = Bytes.fromHexString(Keys.getAddress(key));
    this.genesis = chain.store().canonicalHash(0).orElseThrow().toHexString();
    this.work =
        Executors.newFixedThreadPool(
            2, Thread.ofPlatform().name("p2p-sync-", 0).daemon().factory());
    this.server = new Server(bind);
    server.setReuseAddr(true);
    server.setConnectionLostTimeout(PING_SECONDS);
    server.start();
    try {
      if (!server.started.await(30, TimeUnit.SECONDS) || server.failure != null) {
        server.stop(0);
        throw new IOException("P2P server did not start on " + bind, server.failure);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting the P2P server on " + bind, e);
    }
    this.url = URI.create("ws://" + bind.getAddress().getHostAddress() + ":" + server.getPort());
    this.listen = url.toString();
    List<URI> normalised = initialPeers.stream().map(PeerNetwork::peerUrl).toList();
    this.initialPeers = Set.copyOf(normalised);
    for (URI p : normalised) {
      if (!p.equals(url)) {
        peers.add(p);
      }
    }
    pool.onAdmitted(tx -> broadcast("tx", tx.raw().toHexString(), null));
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

  /** This node's P2P URL ({@code ws://host:port}). */
  public URI url() {
    return url;
  }

  /** This node's address (node key). */
  public Bytes address() {
    return address;
  }

  /** Known peer URLs (configured, added, or learned from hellos). */
  public Set<URI> peers() {
    return Set.copyOf(peers);
  }

  /** Node addresses of peers with a completed handshake. */
  public Set<Bytes> connected() {
    return Set.copyOf(links().keySet());
  }

  /** Node addresses banned for sending invalid data, whose ban has not expired. */
  public Set<Bytes> banned() {
    Instant now = clock.instant();
    return banned.entrySet().stream()
        .filter(e -> e.getValue().isAfter(now))
        .map(Map.Entry::getKey)
        .collect(java.util.stream.Collectors.toUnmodifiableSet());
  }

  /**
   * The sync in progress: present while a connected peer's head (from its hello, its blocks and its
   * status answers) is above ours.
   */
  public Optional<SyncStatus> syncStatus() {
    long ours = chain.head().number();
    long highest = links().values().stream().mapToLong(s -> s.head).max().orElse(ours);
    if (highest <= ours) {
      syncStart.set(-1);
      return Optional.empty();
    }
    syncStart.compareAndSet(-1, ours);
    return Optional.of(new SyncStatus(Math.min(syncStart.get(), ours), ours, highest));
  }

  /** What the network has counted since start. */
  public Counters counters() {
    return new Counters(
        messagesIn.sum(),
        messagesOut.sum(),
        handshakes.sum(),
        handshakesRejected.sum(),
        invalidMessages.sum(),
        bans.sum(),
        requestTimeouts.sum(),
        dials.sum());
  }

  /** Adds a peer and dials it (accepting it again if it was disconnected). */
  public void connect(URI peer) {
    URI p = peerUrl(peer);
    refused.remove(p);
    retries.remove(p);
    if (!p.equals(url)) {
      peers.add(p);
    }
  }

  /** Closes the connections to a peer and refuses it until {@link #connect} (a partition). */
  public void disconnect(URI peer) {
    URI p = peerUrl(peer);
    refused.add(p);
    peers.remove(p);
    for (Session s : sessions) {
      if (p.equals(s.dialed) || p.equals(s.listen)) {
        close(s, CLOSE_DISCONNECTED, "disconnected by operator");
      }
    }
  }

  /** Sends {@code block} to every connected peer. */
  public void announce(Block block) {
    broadcast("block", block.rlp().toHexString(), null);
  }

  /**
   * Fetches and imports blocks from every connected peer whose chain is longer. Waits (at most
   * {@link #HANDSHAKE_TIMEOUT}) until every configured peer has either connected or failed once, so
   * that a node starting up syncs before it mines.
   */
  public void syncFromPeers() {
    Instant end = clock.instant().plus(HANDSHAKE_TIMEOUT);
    while (!closed && clock.instant().isBefore(end) && !firstContactDone()) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    for (Session s : links().values()) {
      syncFrom(s);
    }
  }

  private boolean firstContactDone() {
    Set<URI> linked = new java.util.HashSet<>();
    for (Session s : links().values()) {
      if (s.dialed != null) {
        linked.add(s.dialed);
      }
      if (s.listen != null) {
        linked.add(s.listen);
      }
    }
    for (URI p : peers) {
      if (initialPeers.contains(p) && !linked.contains(p) && !retries.containsKey(p)) {
        return false;
      }
    }
    return true;
  }

  /** One authenticated session per peer node address. */
  private Map<Bytes, Session> links() {
    Map<Bytes, Session> out = new LinkedHashMap<>();
    for (Session s : sessions) {
      if (s.authed && s.conn.isOpen()) {
        out.putIfAbsent(s.peer, s);
      }
    }
    return out;
  }

  /** Fetches and imports the canonical blocks the peer of {@code s} has beyond ours. */
  private void syncFrom(Session s) {
    synchronized (syncLock) {
      try {
        long theirs = json.readTree(request(s, "get-status", "").payload()).path("number").asLong();
        s.head = theirs;
        syncStatus();
        long from = Math.max(1, chain.head().number() - MAX_BLOCKS_PER_REQUEST + 1);
        boolean restarted = false;
        while (from <= theirs && s.conn.isOpen()) {
          String answer = request(s, "get-blocks", from + ":" + MAX_BLOCKS_PER_REQUEST).payload();
          if (answer.isEmpty()) {
            return;
          }
          String[] blocks = answer.split(",");
          boolean restart = false;
          for (String b : blocks) {
            Block block = decodeBlock(b);
            try {
              chain.importBlock(block);
            } catch (InvalidBlockException e) {
              if (e.getMessage().startsWith("parent: unknown parent") && !restarted) {
                // fork deeper than our window: fetch the peer's chain from the start
                restarted = true;
                restart = true;
                break;
              }
              throw e;
            }
          }
          from = restart ? 1 : from + blocks.length;
        }
      } catch (InvalidBlockException | IllegalArgumentException e) {
        violation(s, "served an invalid block: " + e.getMessage());
      } catch (IOException | TimeoutException | RuntimeException e) {
        LOG.debug("sync from {} failed: {}", s, e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private Envelope request(Session s, String type, String payload)
      throws IOException, TimeoutException, InterruptedException {
    long id = ids.incrementAndGet();
    CompletableFuture<Envelope> answer = new CompletableFuture<>();
    s.pending.put(id, answer);
    try {
      send(s, json.writeValueAsString(Envelope.sign(type, id, payload, listen, key)));
      return answer.get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      requestTimeouts.increment();
      throw new TimeoutException(type + " to " + s + " unanswered after " + REQUEST_TIMEOUT);
    } catch (ExecutionException e) {
      throw new IOException(type + " to " + s + " failed: " + e.getCause().getMessage());
    } finally {
      s.pending.remove(id);
    }
  }

  private void broadcast(String type, String payload, Bytes except) {
    Map<Bytes, Session> to = links();
    to.remove(except);
    if (to.isEmpty()) {
      return;
    }
    String text;
    try {
      text = json.writeValueAsString(Envelope.sign(type, 0, payload, listen, key));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    for (Session s : to.values()) {
      send(s, text);
    }
  }

  private void send(Session s, String text) {
    try {
      s.conn.send(text);
      messagesOut.increment();
    } catch (WebsocketNotConnectedException e) {
      LOG.debug("{} went away before a message could be sent", s);
    }
  }

  private void reply(Session s, String type, long id, String payload) throws IOException {
    send(s, json.writeValueAsString(Envelope.sign(type, id, payload, listen, key)));
  }

  // ---- connection life cycle

  private void tick() {
    try {
      Instant now = clock.instant();
      banned.values().removeIf(until -> !until.isAfter(now));
      Set<URI> linked = new java.util.HashSet<>();
      for (Session s : sessions) {
        if (!s.authed && !s.closing && s.opened.plus(HANDSHAKE_TIMEOUT).isBefore(now)) {
          handshakesRejected.increment();
          close(s, CLOSE_HANDSHAKE, "handshake not completed within " + HANDSHAKE_TIMEOUT);
        }
        if (s.dialed != null) {
          linked.add(s.dialed);
        }
        if (s.listen != null) {
          linked.add(s.listen);
        }
      }
      for (URI p : peers) {
        if (closed || refused.contains(p) || p.equals(url) || linked.contains(p)) {
          continue;
        }
        Retry r = retries.get(p);
        if (r != null && r.next().isAfter(now)) {
          continue;
        }
        dial(p);
      }
    } catch (RuntimeException e) {
      LOG.warn("p2p dialer: {}", e.toString());
    }
  }

  private void dial(URI peer) {
    dials.increment();
    Dial client = new Dial(peer);
    Session s = new Session(client, peer, clock.instant());
    client.session = s;
    sessions.add(s);
    client.setConnectionLostTimeout(PING_SECONDS);
    client.connect();
  }

  private void opened(Session s) {
    Hello hello =
        new Hello(
            VERSION,
            chain.spec().chainId(),
            genesis,
            chain.head().number(),
            chain.head().hash().toHexString(),
            s.nonce.toHexString());
    try {
      send(s, json.writeValueAsString(Envelope.sign("hello", 0, hello.payload(), listen, key)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private void closedSession(Session s, int code, String reason, boolean remote) {
    if (s == null || !sessions.remove(s)) {
      return;
    }
    s.inbox.shutdown();
    IOException gone = new IOException("connection closed: " + code + " " + reason);
    s.pending.values().forEach(f -> f.completeExceptionally(gone));
    if (!remote
        && (code == CloseFrame.TOOBIG
            || code == CloseFrame.PROTOCOL_ERROR
            || code == CloseFrame.NO_UTF8
            || code == CloseFrame.REFUSE)) {
      // the WebSocket layer refused the peer's frame (oversize, bad framing, bad UTF-8)
      invalidMessages.increment();
      if (s.authed) {
        ban(s, "invalid frame: " + reason);
      } else {
        handshakesRejected.increment();
      }
    }
    if (remote && code == CLOSE_WRONG_CHAIN && s.dialed != null) {
      // the peer found we are on another chain: dialling it again cannot succeed
      LOG.warn("peer {} refused us: {}", s, reason);
      peers.remove(s.dialed);
    }
    if (s.dialed != null) {
      Retry previous = retries.get(s.dialed);
      Duration delay =
          s.authed || previous == null
              ? MIN_BACKOFF
              : previous.delay().multipliedBy(2).compareTo(MAX_BACKOFF) > 0
                  ? MAX_BACKOFF
                  : previous.delay().multipliedBy(2);
      retries.put(s.dialed, new Retry(clock.instant().plus(delay), delay));
    }
    if (s.authed) {
      LOG.info("peer {} disconnected: {} {}", s, code, reason);
    } else {
      LOG.debug("connection {} closed before handshake: {} {}", s, code, reason);
    }
  }

  private void close(Session s, int code, String reason) {
    s.closing = true;
    // a close reason is at most 123 bytes on the wire
    String r = reason.length() > 120 ? reason.substring(0, 120) : reason;
    s.conn.close(code, r);
  }

  private void received(Session s, String text) {
    if (s == null) {
      return;
    }
    try {
      s.inbox.execute(() -> receive(s, text));
    } catch (RejectedExecutionException e) {
      // the session closed meanwhile
    }
  }

  // ---- message handling (on the session's inbox thread, in arrival order)

  private void receive(Session s, String text) {
    messagesIn.increment();
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
      handshake(s, m, signer.get());
      return;
    }
    if (!signer.get().equals(s.peer)) {
      violation(s, m.type() + " signed by " + signer.get() + ", not by the peer " + s.peer);
      return;
    }
    try {
      dispatch(s, m);
    } catch (InvalidTransactionException e) {
      if (!alreadyKnownOrRecoverable(e)) {
        violation(s, "invalid tx: " + e.getMessage());
      }
    } catch (InvalidBlockException | IllegalArgumentException e) {
      violation(s, "invalid " + m.type() + ": " + e.getMessage());
    } catch (IOException e) {
      LOG.debug("answering {} failed: {}", s, e.toString());
    }
  }

  private void handshake(Session s, Envelope m, Bytes signer) {
    if (s.hello == null) {
      if (!"hello".equals(m.type())) {
        violation(s, "expected hello, got " + m.type());
        return;
      }
      Hello h;
      URI theirUrl;
      try {
        h = Hello.parse(m.payload());
        theirUrl = m.listen() == null ? null : peerUrl(URI.create(m.listen()));
      } catch (IllegalArgumentException e) {
        violation(s, "malformed hello: " + e.getMessage());
        return;
      }
      Instant until = banned.get(signer);
      if (until != null && until.isAfter(clock.instant())) {
        handshakesRejected.increment();
        close(s, CLOSE_BANNED, "node " + signer + " is banned until " + until);
        return;
      }
      if (signer.equals(address)) {
        peers.remove(s.dialed);
        close(s, CLOSE_DISCONNECTED, "connected to self");
        return;
      }
      String wrong =
          h.version() != VERSION
              ? "protocol version " + h.version() + ", expected " + VERSION
              : h.chainId() != chain.spec().chainId()
                  ? "chain id " + h.chainId() + ", expected " + chain.spec().chainId()
                  : !genesis.equals(h.genesis())
                      ? "genesis " + h.genesis() + ", expected " + genesis
                      : null;
      if (wrong != null) {
        handshakesRejected.increment();
        LOG.warn("peer {} ({}) is on another chain: {}", theirUrl, signer, wrong);
        if (s.dialed != null) {
          peers.remove(s.dialed);
        }
        close(s, CLOSE_WRONG_CHAIN, "wrong chain: " + wrong);
        return;
      }
      if (!admitted(signer)) {
        // only APs (and observers the operator named) take part: a banned AP that comes back
        // with a fresh key is a stranger
        handshakesRejected.increment();
        LOG.warn("refusing peer {} ({}): not in the miner set", theirUrl, signer);
        close(s, CLOSE_NOT_ADMITTED, "node " + signer + " is not in the chain's miner set");
        return;
      }
      if (theirUrl != null && refused.contains(theirUrl)) {
        close(s, CLOSE_DISCONNECTED, "disconnected by operator");
        return;
      }
      s.hello = h;
      s.head = h.number();
      s.peer = signer;
      s.listen = theirUrl;
      send(s, encode(Envelope.sign("auth", 0, h.nonce(), listen, key)));
      return;
    }
    if (!"auth".equals(m.type())) {
      violation(s, "expected auth, got " + m.type());
    } else if (!signer.equals(s.peer)) {
      violation(s, "auth signed by " + signer + " but hello by " + s.peer);
    } else if (!s.nonce.toHexString().equals(m.payload())) {
      violation(s, "auth does not sign our nonce");
    } else {
      s.authed = true;
      handshakes.increment();
      if (s.listen != null && !refused.contains(s.listen) && !s.listen.equals(url)) {
        peers.add(s.listen);
      }
      LOG.info("peer {} connected (head {})", s, s.hello.number());
      if (s.hello.number() > chain.head().number()) {
        work.execute(() -> syncFrom(s));
      }
    }
  }

  /** Whether {@code node} may complete the handshake: a miner of the chain or an observer. */
  public boolean admitted(Bytes node) {
    return observers.contains(node) || chain.reputation().isRegistered(node);
  }

  private String encode(Envelope e) {
    try {
      return json.writeValueAsString(e);
    } catch (JsonProcessingException x) {
      throw new IllegalStateException(x);
    }
  }

  private void dispatch(Session s, Envelope m) throws IOException {
    switch (m.type()) {
      case "tx" -> pool.admit(SignedTransaction.decode(hex(m.payload())), chain);
      case "block" -> {
        Block block = decodeBlock(m.payload());
        s.head = Math.max(s.head, block.header().number());
        try {
          if (chain.importBlock(block) != Blockchain.ImportResult.ALREADY_KNOWN) {
            broadcast("block", m.payload(), s.peer);
          }
        } catch (InvalidBlockException e) {
          if (e.getMessage().startsWith("parent: unknown parent")) {
            work.execute(() -> syncFrom(s));
            return;
          }
          throw e;
        }
      }
      case "get-status" -> {
        ObjectNode o = json.createObjectNode();
        o.put("number", chain.head().number());
        o.put("hash", chain.head().hash().toHexString());
        reply(s, "status", m.id(), json.writeValueAsString(o));
      }
      case "get-blocks" -> {
        String[] range = m.payload().split(":");
        if (range.length != 2) {
          throw new IllegalArgumentException("get-blocks payload must be from:count");
        }
        long from = Long.parseLong(range[0]);
        int count = Math.min(MAX_BLOCKS_PER_REQUEST, Integer.parseInt(range[1]));
        StringBuilder out = new StringBuilder();
        for (long n = Math.max(1, from); n < from + count; n++) {
          Optional<Block> b = chain.blockByNumber(n);
          if (b.isEmpty() || out.length() >= MAX_REPLY_CHARS) {
            break;
          }
          if (!out.isEmpty()) {
            out.append(',');
          }
          out.append(b.get().rlp().toHexString());
        }
        reply(s, "blocks", m.id(), out.toString());
      }
      case "status", "blocks" -> {
        CompletableFuture<Envelope> waiting = s.pending.get(m.id());
        if (waiting != null) {
          waiting.complete(m);
        }
      }
      case "hello", "auth" -> throw new IllegalArgumentException("repeated " + m.type());
      default -> throw new IllegalArgumentException("unknown message type " + m.type());
    }
  }

  private static Bytes hex(String payload) {
    return Bytes.fromHexString(payload);
  }

  private static Block decodeBlock(String payload) {
    try {
      return Block.decode(hex(payload));
    } catch (IllegalArgumentException | InvalidTransactionException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("malformed block RLP (" + e + ")", e);
    }
  }

  private static boolean alreadyKnownOrRecoverable(InvalidTransactionException e) {
    String msg = String.valueOf(e.getMessage());
    // a transaction we already have, or one that the sender's newer state made stale, is not abuse
    return msg.contains("already known")
        || msg.contains("nonce too low")
        || msg.contains("underpriced")
        || e.mayBecomeValid();
  }

  /** Invalid data: before the handshake the connection is refused, after it the peer is banned. */
  private void violation(Session s, String reason) {
    invalidMessages.increment();
    if (s.authed) {
      ban(s, reason);
    } else {
      handshakesRejected.increment();
      LOG.warn("refusing connection {}: {}", s, reason);
      close(s, CLOSE_HANDSHAKE, reason);
    }
  }

  private void ban(Session s, String reason) {
    banned.put(s.peer, clock.instant().plus(BAN_PERIOD));
    bans.increment();
    LOG.warn("banning peer {} for {}: {}", s, BAN_PERIOD, reason);
    if (s.listen != null) {
      peers.remove(s.listen);
    }
    if (s.dialed != null) {
      peers.remove(s.dialed);
    }
    for (Session other : sessions) {
      if (s.peer.equals(other.peer)) {
        close(other, CLOSE_INVALID, "banned: " + reason);
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    dialer.shutdownNow();
    for (Session s : sessions) {
      close(s, CLOSE_DISCONNECTED, "node shutting down");
    }
    try {
      server.stop(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    work.shutdownNow();
  }

  // ---- transport

  private static Draft draft() {
    return new Draft_6455(
        List.of(), List.of(new org.java_websocket.protocols.Protocol("")), MAX_FRAME_BYTES);
  }

  /** One WebSocket connection to a peer, inbound or outbound. */
  private static final class Session {
    final WebSocket conn;
    final URI dialed;
    final Instant opened;
    final Bytes32 nonce = Bytes32.random(RANDOM);
    final ExecutorService inbox =
        Executors.newSingleThreadExecutor(Thread.ofVirtual().name("p2p-in").factory());
    final Map<Long, CompletableFuture<Envelope>> pending = new ConcurrentHashMap<>();
    volatile Hello hello;
    volatile long head;
    volatile Bytes peer;
    volatile URI listen;
    volatile boolean authed;
    volatile boolean closing;

    Session(WebSocket conn, URI dialed, Instant opened) {
      this.conn = conn;
      this.dialed = dialed;
      this.opened = opened;
    }

    @Override
    public String toString() {
      URI where = listen != null ? listen : dialed;
      return (where == null ? String.valueOf(conn.getRemoteSocketAddress()) : where.toString())
          + (peer == null ? "" : " (" + peer.toHexString() + ")");
    }
  }

  private final class Server extends WebSocketServer {
    final CountDownLatch started = new CountDownLatch(1);
    volatile Exception failure;

    Server(InetSocketAddress bind) {
      super(bind, List.of(draft()));
    }

    @Override
    public ServerHandshakeBuilder onWebsocketHandshakeReceivedAsServer(
        WebSocket conn, Draft draft, ClientHandshake request) throws InvalidDataException {
      if (!PATH.equals(request.getResourceDescriptor())) {
        throw new InvalidDataException(
            CloseFrame.POLICY_VALIDATION,
            "no peer protocol at " + request.getResourceDescriptor() + "; use " + PATH);
      }
      return super.onWebsocketHandshakeReceivedAsServer(conn, draft, request);
    }

    @Override
    public void onOpen(WebSocket conn, ClientHandshake handshake) {
      if (closed) {
        conn.close(CLOSE_DISCONNECTED, "node shutting down");
        return;
      }
      Session s = new Session(conn, null, clock.instant());
      inbound.put(conn, s);
      sessions.add(s);
      opened(s);
    }

    @Override
    public void onClose(WebSocket conn, int code, String reason, boolean remote) {
      closedSession(inbound.remove(conn), code, reason, remote);
    }

    @Override
    public void onMessage(WebSocket conn, String message) {
      received(inbound.get(conn), message);
    }

    @Override
    public void onMessage(WebSocket conn, ByteBuffer message) {
      Session s = inbound.get(conn);
      if (s != null) {
        try {
          s.inbox.execute(() -> violation(s, "binary frames are not part of the protocol"));
        } catch (RejectedExecutionException e) {
          // closed meanwhile
        }
      }
    }

    @Override
    public void onError(WebSocket conn, Exception ex) {
      if (conn == null) {
        failure = ex;
        started.countDown();
      } else {
        LOG.debug("p2p connection error", ex);
      }
    }

    @Override
    public void onStart() {
      started.countDown();
    }
  }

  private final class Dial extends WebSocketClient {
    Session session;

    Dial(URI peer) {
      super(peer.resolve(PATH), draft(), Map.of(), 2000);
    }

    @Override
    public void onOpen(ServerHandshake handshake) {
      opened(session);
    }

    @Override
    public void onMessage(String message) {
      received(session, message);
    }

    @Override
    public void onMessage(ByteBuffer message) {
      Session s = session;
      try {
        s.inbox.execute(() -> violation(s, "binary frames are not part of the protocol"));
      } catch (RejectedExecutionException e) {
        // closed meanwhile
      }
    }

    @Override
    public void onClose(int code, String reason, boolean remote) {
      closedSession(session, code, reason, remote);
    }

    @Override
    public void onError(Exception ex) {
      LOG.debug("p2p dial {} failed: {}", session, ex.toString());
    }
  }
}
