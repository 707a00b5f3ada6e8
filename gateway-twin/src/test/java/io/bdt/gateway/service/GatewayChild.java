package io.bdt.gateway.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test fixture: the gateway service as a child JVM ({@code target/quarkus-app/quarkus-run.jar},
 * built by {@code package} before failsafe runs), its settings as {@code -D} arguments, secrets in
 * its environment, its output appended to a log file; plain HTTP on a free loopback port. Fault
 * tests {@linkplain #kill() kill it with SIGKILL} and {@linkplain #start() start it again} on the
 * same data directory.
 */
final class GatewayChild implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, String> settings = new LinkedHashMap<>();
  private final Map<String, String> environment = new LinkedHashMap<>();
  private final Path log;
  private final int port;
  // HTTP/1.1: one connection per request in flight, so a request cut short (a writer interrupted,
  // a killed gateway) cannot take another thread's request down with it, as a shared HTTP/2
  // connection would
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private Process process;

  /** A gateway whose log is {@code log}; {@link #set} its settings before {@link #start}. */
  GatewayChild(Path log) throws IOException {
    this.log = log;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    set("quarkus.http.host", "127.0.0.1");
    set("quarkus.http.port", Integer.toString(port));
    set("quarkus.http.insecure-requests", "enabled");
  }

  /** Sets a {@code -D} setting (never a secret: any local user can read a command line). */
  GatewayChild set(String key, String value) {
    settings.put(key, value);
    return this;
  }

  /** Sets an environment variable of the process (secrets). */
  GatewayChild environment(String name, String value) {
    environment.put(name, value);
    return this;
  }

  static Path runJar() {
    return Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();
  }

  /** Starts the JVM (again after {@link #kill} or {@link #stop}). */
  void start() throws IOException {
    if (!Files.exists(runJar())) {
      throw new IOException(runJar() + " is missing: the package phase builds it before failsafe");
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx384m");
    // the JVM options the build gives its test JVMs (pom: bdt.jvm.quiet), so the child is as quiet
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("--enable-native-access") || arg.startsWith("--sun-misc-unsafe")) {
        cmd.add(arg);
      }
    }
    settings.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
    cmd.add("-jar");
    cmd.add(runJar().toString());
    Files.createDirectories(log.getParent());
    ProcessBuilder builder = new ProcessBuilder(cmd);
    builder.environment().putAll(environment);
    process =
        builder
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
  }

  /** Waits until readiness (connected to its broker) answers 200; fails naming the log. */
  void awaitReady(Duration limit) throws IOException, InterruptedException {
    long end = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < end) {
      if (!process.isAlive()) {
        throw new IOException("gateway exited with " + process.exitValue() + "; see " + log);
      }
      try {
        if (send(HttpRequest.newBuilder(uri("/q/health/ready")).GET(), null).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new IOException("gateway not ready within " + limit + "; see " + log);
  }

  /** SIGKILL: no shutdown hook, no final flush, no MQTT DISCONNECT. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  /** SIGTERM (Quarkus shuts down cleanly: disconnects, closes the twin store), then waits. */
  void stop() throws InterruptedException {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      throw new IllegalStateException("gateway ignored SIGTERM for 60 s; killed; see " + log);
    }
  }

  boolean alive() {
    return process != null && process.isAlive();
  }

  /** GET {@code path} with {@code token}; the JSON body, or empty on 404. */
  Optional<JsonNode> getJson(String path, String token) throws IOException, InterruptedException {
    HttpResponse<String> r = send(HttpRequest.newBuilder(uri(path)).GET(), token);
    if (r.statusCode() == 404) {
      return Optional.empty();
    }
    if (r.statusCode() != 200) {
      throw new IOException("GET " + path + ": " + r.statusCode() + " " + r.body());
    }
    return Optional.of(JSON.readTree(r.body()));
  }

  /** GET {@code path} without a token (health); the response, whatever its status. */
  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).GET(), null);
  }

  /** {@code method} {@code path} with a JSON body; the response. */
  HttpResponse<String> send(
      String method, String path, String contentType, String body, String token)
      throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", contentType)
            .method(method, HttpRequest.BodyPublishers.ofString(body)),
        token);
  }

  /**
   * The value of metric {@code name} (Prometheus text, first sample whose line starts with it: a
   * name with its labels, e.g. {@code bdt_mqtt_connected}), or NaN when absent.
   */
  double metric(String name, String token) throws IOException, InterruptedException {
    HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/q/metrics")).GET(), token);
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{[^}]*\\})? ([0-9.eE+-]+|NaN)$")
            .matcher(r.body());
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private HttpResponse<String> send(HttpRequest.Builder request, String token)
      throws IOException, InterruptedException {
    request.timeout(Duration.ofSeconds(10));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() throws InterruptedException {
    if (alive()) {
      process.destroyForcibly().waitFor();
    }
  }
}
