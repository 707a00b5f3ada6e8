package io.bdt.platform;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One Quarkus service of the platform as a child process ({@code java -jar
 * <module>/target/quarkus-app/quarkus-run.jar} with {@code -D} settings), its output in a log file.
 */
final class ServiceProcess implements AutoCloseable {
  private final String name;
  private final Path runJar;
  private final Map<String, String> settings;
  private final Path log;
  private final String baseUrl;
  private Process process;

  ServiceProcess(String name, Path runJar, Map<String, String> settings, Path log, int httpPort) {
    this.name = name;
    this.runJar = runJar;
    this.settings = settings;
    this.log = log;
    this.baseUrl = "http://127.0.0.1:" + httpPort;
  }

  /** Starts the process (again, after {@link #close}). */
  void start() throws IOException {
    if (!Files.exists(runJar)) {
      throw new IOException(
          name + ": " + runJar + " does not exist; build it with ./mvnw -pl <module> -am package");
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("-Xmx512m");
    cmd.add("--enable-native-access=ALL-UNNAMED");
    settings.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
    cmd.add("-jar");
    cmd.add(runJar.toString());
    Files.createDirectories(log.getParent());
    process =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
  }

  /** Waits until {@code path} answers 200, or fails naming the log to read. */
  void awaitReady(String path, Duration limit) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long end = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < end) {
      if (!process.isAlive()) {
        throw new IOException(name + " exited with " + process.exitValue() + "; see " + log);
      }
      try {
        HttpResponse<Void> r =
            http.send(
                HttpRequest.newBuilder(URI.create(baseUrl + path))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    throw new IOException(name + " not ready after " + limit.toSeconds() + " s; see " + log);
  }

  String name() {
    return name;
  }

  String baseUrl() {
    return baseUrl;
  }

  boolean alive() {
    return process != null && process.isAlive();
  }

  /** Stops the process: SIGTERM (Quarkus shuts down cleanly), then SIGKILL after 15 s. */
  @Override
  public void close() throws InterruptedException {
    if (process == null) {
      return;
    }
    process.destroy();
    if (!process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
