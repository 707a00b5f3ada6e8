package io.bdt.consensus.p2p;

import java.io.IOException;
import java.nio.channels.ByteChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ExecutorService;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLParameters;
import org.java_websocket.SSLSocketChannel2;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.WrappedByteChannel;
import org.java_websocket.server.SSLParametersWebSocketServerFactory;

/**
 * The TLS server side of {@code wss://}: Java-WebSocket's {@link SSLSocketChannel2}, with one stall
 * removed. That channel may finish a TLS 1.3 handshake on its write path (after a delegated task
 * such as the client-certificate check) holding bytes it already read: the client's first
 * application data, sent right after its Finished (our dialler's WebSocket upgrade request). The
 * server reads them only when the socket becomes readable again, which, with the client waiting for
 * the upgrade's answer, never happens. Here a channel whose handshake finished that way hands the
 * held bytes to {@link Pending} at once.
 */
final class PeerTlsServer extends SSLParametersWebSocketServerFactory {
  /** Takes the application bytes a channel holds after its handshake. */
  interface Pending {
    void read(WebSocketImpl conn, WrappedByteChannel channel) throws IOException;
  }

  private final SSLContext context;
  private final SSLParameters parameters;
  private final Pending pending;

  PeerTlsServer(SSLContext context, SSLParameters parameters, Pending pending) {
    super(context, parameters);
    this.context = context;
    this.parameters = parameters;
    this.pending = pending;
  }

  @Override
  public ByteChannel wrapChannel(SocketChannel channel, SelectionKey key) throws IOException {
    SSLEngine engine = context.createSSLEngine();
    engine.setUseClientMode(false);
    engine.setSSLParameters(parameters);
    return new Channel(channel, engine, exec, key);
  }

  private final class Channel extends SSLSocketChannel2 {
    Channel(SocketChannel channel, SSLEngine engine, ExecutorService exec, SelectionKey key)
        throws IOException {
      super(channel, engine, exec, key);
    }

    @Override
    public void writeMore() throws IOException {
      boolean handshaking = !handshakeDone();
      super.writeMore();
      if (handshaking
          && handshakeDone()
          && isNeedRead()
          && selectionKey != null
          && selectionKey.attachment() instanceof WebSocketImpl conn) {
        pending.read(conn, this);
      }
    }

    private boolean handshakeDone() {
      HandshakeStatus s = sslEngine.getHandshakeStatus();
      return s == HandshakeStatus.FINISHED || s == HandshakeStatus.NOT_HANDSHAKING;
    }
  }
}
