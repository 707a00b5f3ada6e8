package io.bdt.platform;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The launcher's handle on a {@link FleetHost} process: the count of windows it published (from its
 * status file), faults sent to it, and its stop, after which the count is final.
 */
final class FleetProcess implements AutoCloseable {
  private final Process process;
  private final Path status;
  private final Path log;
  private final OutputStream commands;

  FleetProcess(Process process, Path status, Path log) {
    this.process = process;
    this.status = status;
    this.log = log;
    this.commands = process.getOutputStream();
  }

  /** Waits until every device is provisioned and publishing. */
  void awaitPublishing(Duration limit) throws IOException, InterruptedException {
    long end = System.nanoTime() + limit.toNanos();
    while (!Files.exists(status)) {
      if (!process.isAlive() || System.nanoTime() > end) {
        throw new IOException("the fleet did not start publishing; see " + log);
      }
      Thread.sleep(500);
    }
  }

  /** Windows published so far (as of the last second), final once {@link #close} returned. */
  long published() {
    try {
      List<String> lines = Files.readAllLines(status, StandardCharsets.US_ASCII);
      return lines.isEmpty() ? 0 : Long.parseLong(lines.getFirst().strip());
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
  }

  /**
   * Sets {@code deviceId}'s machine state (the fleet names an unknown device or state in its log).
   */
  synchronized void inject(String deviceId, String state) {
    try {
      commands.write(("fault " + deviceId + " " + state + "\n").getBytes(StandardCharsets.UTF_8));
      commands.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("the fleet process does not take commands; see " + log, e);
    }
  }

  /** Stops publishing and waits for the fleet's final count; a second call does nothing. */
  @Override
  public synchronized void close() throws IOException, InterruptedException {
    if (process.isAlive()) {
      try {
        commands.write("stop\n".getBytes(StandardCharsets.UTF_8));
        commands.close();
      } catch (IOException e) {
        // it is stopping already
      }
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroy();
      }
    }
    if (!Files.readString(status).contains("stopped")) {
      throw new IOException("the fleet stopped without its final count; see " + log);
    }
  }
}
