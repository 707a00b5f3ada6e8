package io.bdt.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Forwards TCP connections from a loopback port to another, and can cut them: {@link #cut()} closes
 * the listening socket and every open connection (what a client sees of a service that is down);
 * {@link #heal()} listens again on the same port.
 */
public final class TcpRelay implements AutoCloseable {

  private final int target;
  private volatile int port;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile ServerSocket server;
  private Thread acceptor;

  /** Relays loopback port {@code port} (0: any free port) to loopback port {@code target}. */
  public TcpRelay(int port, int target) throws IOException {
    this.port = port;
    this.target = target;
    heal();
  }

  /** The port clients connect to. */
  public int port() {
    return port;
  }

  /** Accepts connections again, on the same port (nothing when it does already). */
  public synchronized void heal() throws IOException {
    if (server != null) {
      return;
    }
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    port = s.getLocalPort();
    server = s;
    acceptor = Thread.ofPlatform().daemon().name("tcp-relay-accept").start(() -> accept(s));
  }

  /**
   * Stops listening and closes every relayed connection; when it returns, a new connection to the
   * port is refused. Closing a socket another thread is blocked in {@code accept} on only signals
   * that thread: the kernel keeps the socket listening until its {@code accept} returns, so this
   * waits for the accepting thread to end (which also keeps a connection it was setting up from
   * outliving the cut).
   */
  public synchronized void cut() throws IOException {
    try {
      if (server != null) {
        server.close();
        server = null;
        awaitAcceptorEnd();
      }
    } finally {
      // the relayed connections end even when the accepting thread outlived its wait
      for (Socket socket : open) {
        closeQuietly(socket);
      }
      open.clear();
    }
  }

  private void awaitAcceptorEnd() throws IOException {
    try {
      if (!acceptor.join(ACCEPTOR_END)) {
        throw new IOException("the relay's accepting thread did not end within " + ACCEPTOR_END);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while the relay stopped listening", e);
    } finally {
      acceptor = null;
    }
  }

  private static final Duration ACCEPTOR_END = Duration.ofSeconds(10);

  private void accept(ServerSocket s) {
    while (!s.isClosed()) {
      try {
        Socket client = s.accept();
        Socket upstream;
        try {
          upstream = new Socket(InetAddress.getLoopbackAddress(), target);
        } catch (IOException e) {
          closeQuietly(client);
          continue;
        }
        open.add(client);
        open.add(upstream);
        pump(client, upstream);
        pump(upstream, client);
      } catch (IOException e) {
        // closed by cut(), or the broker refused: the client sees its connection end
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread.ofPlatform()
        .daemon()
        .name("tcp-relay-pump")
        .start(
            () -> {
              byte[] buffer = new byte[64 * 1024];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                  out.write(buffer, 0, n);
                }
              } catch (IOException e) {
                // one side closed
              } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
              }
            });
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() {
    try {
      cut();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
