package io.bdt.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TcpRelayTest {

  private ServerSocket echo;

  /** A loopback echo server: each connection gets back what it sends. */
  @BeforeEach
  void startEcho() throws IOException {
    echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofPlatform()
        .daemon()
        .start(
            () -> {
              while (!echo.isClosed()) {
                try {
                  Socket s = echo.accept();
                  Thread.ofPlatform()
                      .daemon()
                      .start(
                          () -> {
                            try (s;
                                InputStream in = s.getInputStream();
                                OutputStream out = s.getOutputStream()) {
                              in.transferTo(out);
                            } catch (IOException e) {
                              // the client went away
                            }
                          });
                } catch (IOException e) {
                  return;
                }
              }
            });
  }

  @AfterEach
  void stopEcho() throws IOException {
    echo.close();
  }

  private static String roundTrip(int port, String text) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
      s.getOutputStream().flush();
      return new String(s.getInputStream().readNBytes(text.length()), StandardCharsets.UTF_8);
    }
  }

  @Test
  void relaysBytesBothWaysOnTheFreePortItPicked() throws IOException {
    try (TcpRelay relay = new TcpRelay(0, echo.getLocalPort())) {
      assertThat(relay.port()).isPositive().isNotEqualTo(echo.getLocalPort());
      assertThat(roundTrip(relay.port(), "telemetry 1")).isEqualTo("telemetry 1");
    }
  }

  @Test
  void cutClosesOpenConnectionsAndRefusesNewOnes() throws IOException {
    try (TcpRelay relay = new TcpRelay(0, echo.getLocalPort());
        Socket open = new Socket(InetAddress.getLoopbackAddress(), relay.port())) {
      open.setSoTimeout(10_000);
      open.getOutputStream().write('x');
      assertThat(open.getInputStream().read()).isEqualTo('x'); // relayed before the cut
      relay.cut();
      assertThat(ended(open)).isTrue();
      assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), relay.port()).close())
          .isInstanceOf(ConnectException.class);
    }
  }

  /** Whether the connection is closed from the other side: end of stream or reset. */
  private static boolean ended(Socket s) throws IOException {
    try {
      return s.getInputStream().read() == -1;
    } catch (SocketException reset) {
      return true;
    }
  }

  @Test
  void healAcceptsAgainOnTheSamePort() throws IOException {
    try (TcpRelay relay = new TcpRelay(0, echo.getLocalPort())) {
      int port = relay.port();
      relay.cut();
      relay.heal();
      assertThat(relay.port()).isEqualTo(port);
      assertThat(roundTrip(port, "after the outage")).isEqualTo("after the outage");
    }
  }
}
