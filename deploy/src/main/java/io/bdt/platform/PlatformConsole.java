package io.bdt.platform;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * {@code ./bdt platform}'s console: the commands an operator types while the platform runs ({@code
 * fault DEVICE STATE}; on namespace hosts {@code cut HOST} and {@code heal HOST}).
 */
final class PlatformConsole {
  private PlatformConsole() {}

  /**
   * Starts reading the console on a daemon thread: {@code fault DEVICE STATE} sets a sensor's state
   * through {@code fault}; with namespace {@code hosts} (null without), {@code cut HOST} and {@code
   * heal HOST} take a host's link down and up.
   */
  static void start(java.util.function.BiConsumer<String, String> fault, NetnsPlatform hosts) {
    String help =
        "platform: commands: fault DEVICE STATE" + (hosts == null ? "" : ", cut HOST, heal HOST");
    Thread.ofPlatform()
        .daemon()
        .name("platform-console")
        .start(
            () -> {
              BufferedReader in =
                  new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
              try {
                for (String line; (line = in.readLine()) != null; ) {
                  String[] w = line.trim().split("\\s+");
                  try {
                    if (w.length == 3 && w[0].equals("fault")) {
                      fault.accept(w[1], w[2]);
                      System.out.println("platform: " + w[1] + " is now " + w[2]);
                    } else if (hosts != null && w.length == 2 && w[0].equals("cut")) {
                      hosts.cut(w[1]);
                      System.out.println("platform: " + w[1] + "'s link is down");
                    } else if (hosts != null && w.length == 2 && w[0].equals("heal")) {
                      hosts.heal(w[1]);
                      System.out.println("platform: " + w[1] + "'s link is up");
                    } else if (!line.isBlank()) {
                      System.out.println(help);
                    }
                  } catch (IllegalArgumentException | java.io.IOException e) {
                    System.out.println("platform: " + e.getMessage());
                  }
                }
              } catch (java.io.IOException e) {
                // no console
              }
            });
  }
}
