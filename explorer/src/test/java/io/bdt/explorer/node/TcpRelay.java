package io.bdt.explorer.node;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on a loopback port to a target port, that a test can cut (close every connection and
 * stop listening: the client sees its WebSocket drop and cannot reconnect) and restore (listen on
 * the same port again).
 */
public final class TcpRelay implements AutoCloseable {
  private final int target;
  private final int port;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private volatile ServerSocket server;

  public TcpRelay(int target) throws IOException {
    this.target = target;
    listen(0);
    this.port = server.getLocalPort();
  }

  /** The port clients connect to. */
  public int port() {
    return port;
  }

  private void listen(int on) throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), on));
    server = s;
    Thread.ofVirtual()
        .start(
            () -> {
              while (!s.isClosed()) {
                try {
                  Socket client = s.accept();
                  Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                  open.add(client);
                  open.add(upstream);
                  pipe(client, upstream);
                  pipe(upstream, client);
                } catch (IOException e) {
                  return; // cut
                }
              }
            });
  }

  private void pipe(Socket from, Socket to) {
    Thread.ofVirtual()
        .start(
            () -> {
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
              } catch (IOException e) {
                // one side closed: close both below
              }
              closeQuietly(from);
              closeQuietly(to);
            });
  }

  /** Closes every relayed connection and stops listening. */
  public void cut() {
    closeQuietly(server);
    open.forEach(TcpRelay::closeQuietly);
    open.clear();
  }

  /** Listens on the same port again. */
  public void restore() throws IOException {
    listen(port);
  }

  private static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() {
    cut();
  }
}
