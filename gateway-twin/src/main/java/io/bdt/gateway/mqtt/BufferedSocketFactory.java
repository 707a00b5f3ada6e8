package io.bdt.gateway.mqtt;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.SocketFactory;

/**
 * Plain TCP sockets whose input stream is buffered ({@link #BUFFER_BYTES}): Paho's {@code
 * MqttInputStream} reads a packet's header byte by byte and its body with a read of its own, so
 * unbuffered every MQTT message costs several socket reads (system calls); buffered, one read takes
 * every message the broker has sent so far. Only for {@code tcp://}: TLS sockets buffer already.
 */
final class BufferedSocketFactory extends SocketFactory {

  /** Bytes read from the socket at most per read: about 600 telemetry messages of 100 bytes. */
  static final int BUFFER_BYTES = 64 * 1024;

  @Override
  public Socket createSocket() {
    return new BufferedSocket();
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return open(new InetSocketAddress(host, port), null);
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
      throws IOException {
    return open(new InetSocketAddress(host, port), new InetSocketAddress(localHost, localPort));
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return open(new InetSocketAddress(host, port), null);
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return open(
        new InetSocketAddress(address, port), new InetSocketAddress(localAddress, localPort));
  }

  /** A socket bound to {@code local} (null: any) and connected to {@code remote}. */
  private static Socket open(InetSocketAddress remote, InetSocketAddress local) throws IOException {
    Socket s = new BufferedSocket();
    try {
      if (local != null) {
        s.bind(local);
      }
      s.connect(remote);
      return s;
    } catch (IOException e) {
      s.close();
      throw e;
    }
  }

  /** A socket whose {@link #getInputStream()} is one buffered stream over the socket's own. */
  private static final class BufferedSocket extends Socket {
    private InputStream in; // guarded by this

    @Override
    public synchronized InputStream getInputStream() throws IOException {
      if (in == null) {
        in = new BufferedInputStream(super.getInputStream(), BUFFER_BYTES);
      }
      return in;
    }
  }
}
