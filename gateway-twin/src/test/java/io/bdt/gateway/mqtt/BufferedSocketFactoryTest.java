package io.bdt.gateway.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The plain-TCP sockets of the gateway's MQTT client: one buffered input stream per socket. */
@Timeout(20)
class BufferedSocketFactoryTest {

  private static byte[] bytes(int from, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (from + i);
    }
    return b;
  }

  @Test
  void aSocketConnectedAsPahoDoesGivesOneBufferedStreamThatReadsWhatWasSentInOrder()
      throws IOException {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket client = new BufferedSocketFactory().createSocket()) {
      client.connect(server.getLocalSocketAddress(), 5_000); // Paho: createSocket(), connect
      try (Socket peer = server.accept();
          OutputStream out = peer.getOutputStream()) {
        for (int i = 0; i < 100; i++) {
          out.write(bytes(i * 7, 7)); // small packets, as a broker sends telemetry
        }
        out.flush();
        InputStream in = client.getInputStream();
        assertThat(in).isInstanceOf(BufferedInputStream.class).isSameAs(client.getInputStream());
        assertThat(in.read()).isEqualTo(0);
        assertThat(in.readNBytes(699))
            .isEqualTo(java.util.Arrays.copyOfRange(bytes(0, 700), 1, 700));
      }
    }
  }

  @Test
  void aReadThatTimesOutLosesNoByteOfThePacketThatFollows() throws IOException {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket client =
            new BufferedSocketFactory()
                .createSocket(server.getInetAddress(), server.getLocalPort())) {
      client.setSoTimeout(200); // Paho reads with a timeout of its own
      try (Socket peer = server.accept();
          OutputStream out = peer.getOutputStream()) {
        InputStream in = client.getInputStream();
        out.write(bytes(1, 3));
        out.flush();
        assertThat(in.readNBytes(3)).isEqualTo(bytes(1, 3));
        assertThatThrownBy(in::read).isInstanceOf(SocketTimeoutException.class);
        out.write(bytes(4, 5));
        out.flush();
        assertThat(in.readNBytes(5)).isEqualTo(bytes(4, 5));
      }
    }
  }
}
