package io.bdt.platform;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * One Quarkus service of the platform as a child process ({@code java -jar
 * <module>/target/quarkus-app/quarkus-run.jar} with {@code -D} settings), its output in a log file;
 * its readiness is probed over HTTPS with the platform CA.
 */
final class ServiceProcess implements AutoCloseable {
  private final String name;
  private final Path runJar;
  private final Map<String, String> settings;
  private final Path log;
  private final String baseUrl;
  private final HttpClient http;
  private final Map<String, String> environment = new java.util.LinkedHashMap<>();
  private Process process;
  private volatile boolean stopping;
  private Consumer<String> onDeath = reason -> {};

  /** How many of a dead service's log lines its reason shows. */
  static final int REASON_LINES = 8;

  /** Log lines that say why a service failed (Quarkus, JBoss logging, JVM). */
  private static final Pattern ERROR_LINE =
      Pattern.compile(
          "\\bERROR\\b|\\bFATAL\\b|Exception|Caused by|^Error|already in use|Address in use");

  /**
   * A service listening on {@code httpPort}: HTTPS checked with {@code tls} (the platform CA; host
   * names verified), or plain HTTP when empty.
   */
  ServiceProcess(
      String name,
      Path runJar,
      Map<String, String> settings,
      Path log,
      int httpPort,
      Optional<SSLContext> tls) {
    this.name = name;
    this.runJar = runJar;
    this.settings = settings;
    this.log = log;
    this.baseUrl = (tls.isPresent() ? "https" : "http") + "://127.0.0.1:" + httpPort;
    HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1));
    tls.ifPresent(client::sslContext);
    this.http = client.build();
  }

  /**
   * Sets an environment variable of the process: for secrets (a token), which must not be {@code
   * -D} arguments that any user can read in {@code /proc/PID/cmdline}.
   */
  ServiceProcess withEnvironment(String name, String value) {
    environment.put(name, value);
    return this;
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
    cmd.addAll(JvmOptions.forThisJdk());
    settings.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
    cmd.add("-jar");
    cmd.add(runJar.toString());
    Files.createDirectories(log.getParent());
    ProcessBuilder builder = new ProcessBuilder(cmd);
    builder.environment().putAll(environment);
    process =
        builder
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    stopping = false;
    Process started = process;
    started
        .onExit()
        .thenAccept(
            p -> {
              if (!stopping) {
                onDeath.accept(deathReason(p));
              }
            });
  }

  /**
   * Calls {@code listener} with {@link #deathReason} when the process exits without {@link #close}
   * (a crash, a port taken, a failed start).
   */
  void onDeath(Consumer<String> listener) {
    this.onDeath = listener;
  }

  /**
   * Why {@code p} ended, for the console: the exit status, the log's last error lines (or its last
   * lines when none looks like an error), and the log's path.
   */
  String deathReason(Process p) {
    StringBuilder reason =
        new StringBuilder(name).append(" exited with ").append(p.exitValue()).append(':');
    for (String line : lastErrorLines(log, REASON_LINES)) {
      reason.append(System.lineSeparator()).append("    ").append(line);
    }
    return reason
        .append(System.lineSeparator())
        .append("  (full log: ")
        .append(log)
        .append(')')
        .toString();
  }

  /**
   * The last {@code max} lines of {@code log} that look like errors, with the lines that continue
   * them (stack frames are left out); the last {@code max} lines when none does.
   */
  static List<String> lastErrorLines(Path log, int max) {
    List<String> lines;
    try {
      lines = Files.readAllLines(log, java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException | java.io.UncheckedIOException e) {
      return List.of("(log not readable: " + e.getMessage() + ")");
    }
    Deque<String> errors = new ArrayDeque<>();
    for (String line : lines) {
      if (ERROR_LINE.matcher(line).find() && !line.stripLeading().startsWith("at ")) {
        errors.addLast(line.strip());
        if (errors.size() > max) {
          errors.removeFirst();
        }
      }
    }
    if (!errors.isEmpty()) {
      return List.copyOf(errors);
    }
    return lines.subList(Math.max(0, lines.size() - max), lines.size()).stream()
        .map(String::strip)
        .toList();
  }

  /** Waits until {@code path} answers 200, or fails naming the log to read. */
  void awaitReady(String path, Duration limit) throws IOException, InterruptedException {
    long end = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < end) {
      if (!process.isAlive()) {
        throw new IOException(deathReason(process));
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

  /**
   * Kills the process with SIGKILL, as a crash would (no shutdown hook runs), and waits for it to
   * end; not reported as a death. {@link #start} runs it again.
   */
  void kill() throws InterruptedException {
    if (process == null) {
      return;
    }
    stopping = true;
    process.destroyForcibly().waitFor();
  }

  /** Stops the process: SIGTERM (Quarkus shuts down cleanly), then SIGKILL after 15 s. */
  @Override
  public void close() throws InterruptedException {
    closeAll(List.of(this));
  }

  /**
   * Stops {@code services} together: SIGTERM to every one at once, then waits for each as {@link
   * #close} does (SIGKILL after 15 s), so their clean shutdowns overlap instead of adding up.
   */
  static void closeAll(List<ServiceProcess> services) throws InterruptedException {
    for (ServiceProcess s : services) {
      if (s.process != null) {
        s.stopping = true;
        s.process.destroy();
      }
    }
    for (ServiceProcess s : services) {
      if (s.process != null && !s.process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
        s.process.destroyForcibly().waitFor();
      }
    }
  }
}
