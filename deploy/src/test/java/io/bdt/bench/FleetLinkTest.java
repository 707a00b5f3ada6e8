package io.bdt.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bdt.pki.TlsContexts;
import io.bdt.platform.PlatformPki;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link FleetLink#tls} against a real TLS server: the platform CA's server certificate. */
@Timeout(60)
class FleetLinkTest {

  @TempDir Path dir;

  @Test
  void tlsLinkCarriesBytesBothWaysThroughANonBlockingChannel() throws Exception {
    PlatformPki pki = PlatformPki.open(dir, Clock.systemUTC());
    try (SSLServerSocket listener = server(pki)) {
      // the server echoes every byte, doubled, so what comes back is not what went out
      Thread echo =
          Thread.ofPlatform()
              .daemon()
              .start(
                  () -> {
                    try (Socket s = listener.accept();
                        InputStream in = s.getInputStream()) {
                      byte[] chunk = new byte[4096];
                      for (int n; (n = in.read(chunk)) >= 0; ) {
                        byte[] doubled = new byte[2 * n];
                        for (int i = 0; i < n; i++) {
                          doubled[2 * i] = chunk[i];
                          doubled[2 * i + 1] = chunk[i];
                        }
                        s.getOutputStream().write(doubled);
                      }
                    } catch (IOException ended) {
                      // the client closed
                    }
                  });
      SSLContext client =
          TlsContexts.fromPem(pki.caCertificate(), Optional.empty(), Optional.empty());
      byte[] sent = new byte[40_000]; // more than one TLS record each way
      for (int i = 0; i < sent.length; i++) {
        sent[i] = (byte) (i * 31);
      }
      byte[] received = roundTrip(client, "localhost", listener.getLocalPort(), sent);
      assertThat(received).hasSize(2 * sent.length);
      for (int i = 0; i < sent.length; i++) {
        assertThat(received[2 * i]).isEqualTo(sent[i]);
        assertThat(received[2 * i + 1]).isEqualTo(sent[i]);
      }
      echo.interrupt();
    }
  }

  @Test
  void tlsLinkRefusesAServerWhoseNameIsNotOnItsCertificate() throws Exception {
    PlatformPki pki = PlatformPki.open(dir, Clock.systemUTC());
    try (SSLServerSocket listener = server(pki)) {
      Thread.ofPlatform()
          .daemon()
          .start(
              () -> {
                try (Socket s = listener.accept()) {
                  s.getInputStream().read();
                } catch (IOException refused) {
                  // the client gives up in the handshake
                }
              });
      SSLContext client =
          TlsContexts.fromPem(pki.caCertificate(), Optional.empty(), Optional.empty());
      assertThatThrownBy(
              () ->
                  roundTrip(client, "not-the-broker.example", listener.getLocalPort(), new byte[1]))
          .isInstanceOf(IOException.class);
    }
  }

  /** A TLS listener on a free port presenting the platform's server certificate. */
  private static SSLServerSocket server(PlatformPki pki) throws IOException {
    SSLContext context =
        TlsContexts.fromPem(
            pki.caCertificate(),
            Optional.of(pki.serverCertificate()),
            Optional.of(pki.serverKey()));
    return (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0);
  }

  /** Sends {@code bytes} over a {@link FleetLink#tls} and reads until twice as many came back. */
  private static byte[] roundTrip(SSLContext context, String host, int port, byte[] bytes)
      throws IOException {
    try (SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
        Selector selector = Selector.open()) {
      ch.configureBlocking(false);
      FleetLink link = FleetLink.tls(ch, context, host, port);
      SelectionKey key = ch.register(selector, SelectionKey.OP_READ | SelectionKey.OP_WRITE);
      ByteBuffer out = ByteBuffer.wrap(bytes);
      ByteBuffer in = ByteBuffer.allocate(1024);
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      boolean sent = false;
      while (received.size() < 2 * bytes.length) {
        selector.select(100);
        selector.selectedKeys().clear();
        if (!sent) {
          sent = link.write(out);
          key.interestOps(
              sent || !link.waitsForWritable()
                  ? SelectionKey.OP_READ
                  : SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        }
        int n = link.read(in);
        if (n < 0) {
          throw new IOException("the server closed after " + received.size() + " bytes");
        }
        received.write(in.array(), 0, in.position());
        in.clear();
      }
      return received.toByteArray();
    }
  }
}
