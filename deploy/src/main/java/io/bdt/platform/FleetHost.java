package io.bdt.platform;

import io.bdt.pki.TlsContexts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The device host of {@code ./bdt platform --hosts netns}: the {@link SensorFleet} as a process of
 * its own in its namespace host, reaching the broker over the namespace network as real devices do.
 * It provisions every device, starts publishing, and writes the count of windows published to its
 * status file every second. Its standard input takes {@code fault DEVICE STATE}; {@code stop} (or
 * the input's end) stops publishing, writes the final count and {@code stopped}, and exits.
 * Arguments: broker URL, CA file (for {@code ssl://}), devices, gateway ids (comma-separated),
 * period (ms), provisioning profile key, file of its secret, credentials file, status file.
 */
public final class FleetHost {
  private FleetHost() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 9) {
      System.err.println(
          "usage: FleetHost BROKER-URL CA-FILE DEVICES GATEWAYS PERIOD-MS PROFILE-KEY"
              + " PROFILE-SECRET-FILE CREDENTIALS-FILE STATUS-FILE");
      System.exit(2);
    }
    String broker = args[0];
    SensorFleet fleet =
        new SensorFleet(
            broker,
            SensorFleet.spread(Integer.parseInt(args[2]), List.of(args[3].split(","))),
            20_261_203L,
            broker.startsWith("ssl://")
                ? TlsContexts.fromPem(Path.of(args[1]), Optional.empty(), Optional.empty())
                    .getSocketFactory()
                : null);
    Path status = Path.of(args[8]);
    fleet.provision(
        args[5],
        Files.readString(Path.of(args[6]), StandardCharsets.US_ASCII).strip(),
        Path.of(args[7]));
    fleet.start(Long.parseLong(args[4]));
    ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
    writer.scheduleAtFixedRate(
        () -> write(status, fleet.published() + "\n"), 0, 1, TimeUnit.SECONDS);
    System.out.println("fleet: publishing to " + broker);
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      String[] w = line.strip().split("\\s+");
      if (w.length == 1 && w[0].equals("stop")) {
        break;
      }
      try {
        if (w.length == 3 && w[0].equals("fault")) {
          fleet.inject(w[1], w[2]);
        } else {
          System.out.println("fleet: unknown command: " + line + " (fault DEVICE STATE, stop)");
        }
      } catch (IllegalArgumentException e) {
        System.out.println(e.getMessage());
      }
    }
    writer.shutdownNow();
    writer.awaitTermination(5, TimeUnit.SECONDS);
    fleet.close();
    write(status, fleet.published() + "\nstopped\n");
    System.exit(0);
  }

  /** Replaces {@code file} with {@code text} in one step (readers never see half of it). */
  private static void write(Path file, String text) {
    try {
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, text);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      System.out.println("fleet: cannot write " + file + ": " + e.getMessage());
    }
  }
}
