package io.bdt.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * One fleet device's byte stream to the broker over a non-blocking {@link SocketChannel}: the
 * channel itself ({@link #plain}), or TLS through an {@link SSLEngine} over it ({@link #tls}), so
 * one selector thread drives ten thousand TLS connections as it drives plain ones. Neither call
 * blocks: {@link #read} returns 0 and {@link #write} leaves bytes in its source while the network
 * (or the handshake) is not ready; the caller waits on the selector and calls again.
 */
abstract class FleetLink {
  final SocketChannel channel;

  private FleetLink(SocketChannel channel) {
    this.channel = channel;
  }

  /** The channel as is. */
  static FleetLink plain(SocketChannel channel) {
    return new FleetLink(channel) {
      @Override
      int read(ByteBuffer dst) throws IOException {
        return channel.read(dst);
      }

      @Override
      boolean write(ByteBuffer src) throws IOException {
        channel.write(src);
        return !src.hasRemaining();
      }

      @Override
      boolean waitsForWritable() {
        return true;
      }
    };
  }

  /**
   * TLS as a client of {@code host} (its certificate checked against {@code context}'s trust and
   * its name, as Paho checks it), the handshake started at once.
   */
  static FleetLink tls(SocketChannel channel, SSLContext context, String host, int port)
      throws SSLException {
    SSLEngine engine = context.createSSLEngine(host, port);
    engine.setUseClientMode(true);
    SSLParameters parameters = engine.getSSLParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    engine.setSSLParameters(parameters);
    engine.beginHandshake();
    return new Tls(channel, engine);
  }

  /** Reads what has arrived into {@code dst}: the bytes read, 0 if none yet, -1 at the end. */
  abstract int read(ByteBuffer dst) throws IOException;

  /**
   * Sends what it can of {@code src}; true when all of it (and, for TLS, every record made of it)
   * has left, false when the caller should wait until the channel is writable and call again.
   */
  abstract boolean write(ByteBuffer src) throws IOException;

  /**
   * After {@link #write} returned false: whether it waits for the channel to become writable (else
   * for the peer's handshake records, which a readable channel brings).
   */
  abstract boolean waitsForWritable();

  private static final class Tls extends FleetLink {
    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);

    private final SSLEngine engine;

    /** Records read from the network, not yet unwrapped (write mode). */
    private final ByteBuffer netIn;

    /** Records made, not yet sent (read mode). */
    private final ByteBuffer netOut;

    /** Plaintext unwrapped, not yet handed to the caller (write mode). */
    private final ByteBuffer appIn;

    private boolean ended;

    Tls(SocketChannel channel, SSLEngine engine) {
      super(channel);
      this.engine = engine;
      int packet = engine.getSession().getPacketBufferSize();
      netIn = ByteBuffer.allocate(packet);
      netOut = ByteBuffer.allocate(packet).flip();
      appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
    }

    @Override
    int read(ByteBuffer dst) throws IOException {
      if (channel.read(netIn) < 0) {
        ended = true;
      }
      handshake();
      if (handshaking()) {
        return ended ? -1 : 0;
      }
      unwrapAll();
      handshake(); // a post-handshake message (a TLS 1.3 session ticket) may want an answer
      appIn.flip();
      int n = Math.min(appIn.remaining(), dst.remaining());
      dst.put(appIn.slice(appIn.position(), n));
      appIn.position(appIn.position() + n).compact();
      return n == 0 && ended ? -1 : n;
    }

    @Override
    boolean write(ByteBuffer src) throws IOException {
      if (!flushNet()) {
        return false;
      }
      handshake();
      if (handshaking()) {
        return false;
      }
      while (src.hasRemaining()) {
        netOut.clear();
        SSLEngineResult r = engine.wrap(src, netOut);
        netOut.flip();
        check(r, "wrap");
        if (!flushNet()) {
          return false;
        }
      }
      return true;
    }

    @Override
    boolean waitsForWritable() {
      return netOut.hasRemaining();
    }

    private boolean handshaking() {
      SSLEngineResult.HandshakeStatus s = engine.getHandshakeStatus();
      return s != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING
          && s != SSLEngineResult.HandshakeStatus.FINISHED;
    }

    /** Drives the handshake as far as the network allows now. */
    private void handshake() throws IOException {
      while (true) {
        switch (engine.getHandshakeStatus()) {
          case NEED_TASK -> {
            for (Runnable task; (task = engine.getDelegatedTask()) != null; ) {
              task.run();
            }
          }
          case NEED_WRAP -> {
            if (!flushNet()) {
              return;
            }
            netOut.clear();
            SSLEngineResult r = engine.wrap(NOTHING, netOut);
            netOut.flip();
            check(r, "handshake wrap");
            if (!flushNet()) {
              return;
            }
          }
          case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
            netIn.flip();
            SSLEngineResult r = engine.unwrap(netIn, appIn);
            netIn.compact();
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
              if (ended) {
                throw new IOException("the broker closed the connection during the TLS handshake");
              }
              return; // wait for more records
            }
            check(r, "handshake unwrap");
          }
          default -> {
            return;
          }
        }
      }
    }

    private void unwrapAll() throws IOException {
      netIn.flip();
      try {
        while (netIn.hasRemaining()) {
          SSLEngineResult r = engine.unwrap(netIn, appIn);
          if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW
              || r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
            return; // a partial record, or the caller must take what is unwrapped first
          }
          check(r, "unwrap");
          if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
            ended = true;
            return;
          }
        }
      } finally {
        netIn.compact();
      }
    }

    /** Sends the records made so far; true when none is left. */
    private boolean flushNet() throws IOException {
      while (netOut.hasRemaining()) {
        if (channel.write(netOut) == 0) {
          return false;
        }
      }
      return true;
    }

    private static void check(SSLEngineResult r, String step) throws SSLException {
      if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
        throw new SSLException("TLS " + step + ": buffer overflow (" + r + ")");
      }
    }
  }
}
