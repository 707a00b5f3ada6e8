package io.bdt.consensus.p2p;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.apache.tuweni.bytes.Bytes;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.WrappedByteChannel;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.ServerHandshake;
import org.java_websocket.handshake.ServerHandshakeBuilder;
import org.java_websocket.protocols.Protocol;
import org.java_websocket.server.WebSocketServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket layer of the peer protocol: serves {@link PeerNetwork#PATH}, dials peers, refuses
 * frames over {@link PeerNetwork#MAX_FRAME_BYTES}, and hands each connection's events to a {@link
 * Listener}, text and binary frames on the connection's inbox thread. With {@link PeerTls} it
 * serves and dials {@code wss://} only.
 */
final class PeerTransport implements AutoCloseable {
  /** What happens on the connections. */
  interface Listener {
    /** A connection opened (either direction); the handshake starts. */
    void opened(Session s);

    /** A text frame arrived (on the session's inbox thread). */
    void received(Session s, String text);

    /** A binary frame arrived (on the session's inbox thread); the protocol has none. */
    void binaryFrame(Session s);

    /** A connection closed, {@code remote} if the peer closed it. */
    void closed(Session s, int code, String reason, boolean remote);
  }

  private static final Logger LOG = LoggerFactory.getLogger(PeerTransport.class);
  private final Listener listener;
  private final Clock clock;
  private final PeerCounters counters;
  private final Server server;
  private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
  private final Map<WebSocket, Session> inbound = new ConcurrentHashMap<>();
  private final Optional<SSLContext> tls;
  private volatile boolean closed;

  /**
   * Starts serving on {@code bind}, over TLS if {@code tls} is given (then every dial is TLS too);
   * fails if the port cannot be bound within 30 s.
   */
  PeerTransport(
      InetSocketAddress bind,
      Optional<PeerTls> tls,
      Listener listener,
      Clock clock,
      PeerCounters counters)
      throws IOException {
    this.listener = listener;
    this.clock = clock;
    this.counters = counters;
    this.tls =
        tls.isEmpty() ? Optional.empty() : Optional.of(tls.get().context(this::refusedCertificate));
    this.server = new Server(bind);
    this.tls.ifPresent(context -> PeerTls.serve(server, context, server::readPending));
    server.setReuseAddr(true);
    server.setConnectionLostTimeout(PeerNetwork.PING_SECONDS);
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
  }

  /** The URL scheme of this transport: {@code wss} with TLS, {@code ws} without. */
  String scheme() {
    return tls.isPresent() ? "wss" : "ws";
  }

  /** A peer's certificate failed the CA check (either direction): the TLS handshake is refused. */
  private void refusedCertificate() {
    counters.handshakesRejected.increment();
    counters.tlsRefused.increment();
    LOG.warn("P2P TLS: refused a peer certificate not issued by the trusted CA");
  }

  /** The port the server listens on. */
  int port() {
    return server.getPort();
  }

  /** Every open or opening connection. */
  Set<Session> sessions() {
    return sessions;
  }

  /** One connection with a completed handshake per peer node address. */
  Map<Bytes, Session> links() {
    Map<Bytes, Session> out = new LinkedHashMap<>();
    for (Session s : sessions) {
      if (s.linked()) {
        out.putIfAbsent(s.peer, s);
      }
    }
    return out;
  }

  /** Opens a connection to {@code peer}. */
  void dial(URI peer) {
    counters.dials.increment();
    Dial client = new Dial(peer);
    Session s = new Session(client, peer, clock.instant());
    client.session = s;
    tls.ifPresent(context -> PeerTls.dial(client, context));
    sessions.add(s);
    client.setConnectionLostTimeout(PeerNetwork.PING_SECONDS);
    client.connect();
  }

  void send(Session s, String text) {
    try {
      s.conn.send(text);
      counters.messagesOut.increment();
    } catch (WebsocketNotConnectedException e) {
      LOG.debug("{} went away before a message could be sent", s);
    }
  }

  /**
   * Closes {@code s}. A dial whose WebSocket upgrade has not completed is torn down at once (its
   * socket closed): the WebSocket close of a connection that never opened only marks it closing,
   * and a peer that never answers the upgrade (a stalled TLS server) would hold the dial, and keep
   * its URL from being redialled, for good.
   */
  void close(Session s, int code, String reason) {
    s.closing = true;
    // a close reason is at most 123 bytes on the wire
    String r = reason.length() > 120 ? reason.substring(0, 120) : reason;
    if (s.conn instanceof Dial dial && !dial.isOpen()) {
      dial.abort(code, r);
    } else {
      s.conn.close(code, r);
    }
  }

  /** Closes every connection with {@code reason} and stops the server. */
  void shutdown(String reason) {
    closed = true;
    for (Session s : sessions) {
      close(s, PeerNetwork.CLOSE_DISCONNECTED, reason);
    }
    try {
      server.stop(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    shutdown("node shutting down");
  }

  private void onText(Session s, String text) {
    if (s == null) {
      return;
    }
    try {
      s.inbox.execute(() -> listener.received(s, text));
    } catch (RejectedExecutionException e) {
      // the session closed meanwhile
    }
  }

  private void onBinary(Session s) {
    if (s == null) {
      return;
    }
    try {
      s.inbox.execute(() -> listener.binaryFrame(s));
    } catch (RejectedExecutionException e) {
      // closed meanwhile
    }
  }

  private void onClose(Session s, int code, String reason, boolean remote) {
    if (s == null || !sessions.remove(s)) {
      return;
    }
    s.inbox.shutdown();
    listener.closed(s, code, reason, remote);
  }

  private static Draft draft() {
    return new Draft_6455(List.of(), List.of(new Protocol("")), PeerNetwork.MAX_FRAME_BYTES);
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
      if (!PeerNetwork.PATH.equals(request.getResourceDescriptor())) {
        throw new InvalidDataException(
            CloseFrame.POLICY_VALIDATION,
            "no peer protocol at " + request.getResourceDescriptor() + "; use " + PeerNetwork.PATH);
      }
      return super.onWebsocketHandshakeReceivedAsServer(conn, draft, request);
    }

    @Override
    public void onOpen(WebSocket conn, ClientHandshake handshake) {
      if (closed) {
        conn.close(PeerNetwork.CLOSE_DISCONNECTED, "node shutting down");
        return;
      }
      Session s = new Session(conn, null, clock.instant());
      inbound.put(conn, s);
      sessions.add(s);
      listener.opened(s);
    }

    @Override
    public void onClose(WebSocket conn, int code, String reason, boolean remote) {
      PeerTransport.this.onClose(inbound.remove(conn), code, reason, remote);
    }

    @Override
    public void onMessage(WebSocket conn, String message) {
      onText(inbound.get(conn), message);
    }

    @Override
    public void onMessage(WebSocket conn, ByteBuffer message) {
      onBinary(inbound.get(conn));
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

    /**
     * Hands the application bytes {@code channel} already holds to {@code conn}'s decoder, as a
     * read of the selector would (TLS: {@link PeerTlsServer}); runs on the selector thread.
     */
    void readPending(WebSocketImpl conn, WrappedByteChannel channel) throws IOException {
      try {
        while (channel.isNeedRead()) {
          ByteBuffer buf = createBuffer();
          int n = channel.readMore(buf);
          buf.flip();
          if (n <= 0 || !buf.hasRemaining()) {
            return;
          }
          conn.inQueue.put(buf);
          queue(conn);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted handing over a TLS connection's first bytes", e);
      }
    }
  }

  private final class Dial extends WebSocketClient {
    Session session;

    Dial(URI peer) {
      super(peer.resolve(PeerNetwork.PATH), draft(), Map.of(), 2000);
    }

    @Override
    public void onOpen(ServerHandshake handshake) {
      listener.opened(session);
    }

    @Override
    public void onMessage(String message) {
      onText(session, message);
    }

    @Override
    public void onMessage(ByteBuffer message) {
      onBinary(session);
    }

    @Override
    public void onClose(int code, String reason, boolean remote) {
      PeerTransport.this.onClose(session, code, reason, remote);
    }

    @Override
    public void onError(Exception ex) {
      LOG.debug("p2p dial {} failed: {}", session, ex.toString());
    }

    /** Ends a dial that never opened: reports it closed, then closes its socket. */
    void abort(int code, String reason) {
      closeConnection(code, reason);
      Socket socket = getSocket();
      if (socket != null) {
        try {
          socket.close();
        } catch (IOException e) {
          LOG.debug("closing the socket of dial {}: {}", session, e.toString());
        }
      }
    }
  }
}
