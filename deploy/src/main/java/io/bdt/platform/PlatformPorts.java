package io.bdt.platform;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;

/** The ports the platform's services listen on: the wanted one when free, else any free one. */
final class PlatformPorts {

  private PlatformPorts() {}

  /**
   * {@code wanted}, or a free port when {@code wanted} is 0 or something already listens on it
   * ({@code out} says which port {@code service} got instead).
   */
  static int portFor(String service, int wanted, PrintStream out) throws IOException {
    if (wanted == 0) {
      return freePort();
    }
    if (available(wanted)) {
      return wanted;
    }
    int chosen = freePort();
    out.println(
        "platform: port "
            + wanted
            + " is taken; "
            + service
            + " listens on "
            + chosen
            + " instead");
    return chosen;
  }

  /** Whether nothing listens on {@code port} (on any address). */
  static boolean available(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(false);
      s.bind(new java.net.InetSocketAddress(port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A port nothing listens on now. */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
