package io.bdt.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Reads a running {@link Platform} the way an operator does, for the end to end tests: a node's
 * chain JSON-RPC, the services' HTTPS with the admin token or another bearer, Prometheus samples;
 * and waits until what it reads comes true.
 */
final class PlatformProbe {
  static final ObjectMapper JSON = new ObjectMapper();

  /**
   * For the chain's JSON-RPC (plain HTTP on loopback); the services' HTTPS goes through {@code
   * platform.http()}.
   */
  private static final HttpClient RPC = HttpClient.newHttpClient();

  private final Platform platform;

  PlatformProbe(Platform platform) {
    this.platform = platform;
  }

  /** Waits until {@code done}, failing the test as waiting for {@code what} after {@code limit}. */
  static void await(String what, Duration limit, BooleanSupplier done) throws Exception {
    long end = System.nanoTime() + limit.toNanos();
    while (!done.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(end);
      Thread.sleep(200);
    }
  }

  /** A check that may throw; {@link #eventually} counts a throw as "not yet". */
  @FunctionalInterface
  interface Check {
    boolean holds() throws Exception;
  }

  /**
   * {@link #await} for a check that reads over the network: an exception (a node or service not
   * answering yet) counts as not yet done.
   */
  static void eventually(String what, Duration limit, Check done) throws Exception {
    await(
        what,
        limit,
        () -> {
          try {
            return done.holds();
          } catch (Exception e) {
            return false;
          }
        });
  }

  /** The {@code result} of JSON-RPC {@code method} on the node listening on {@code port}. */
  static JsonNode rpc(int port, String method, Object... params) throws Exception {
    String body =
        JSON.writeValueAsString(
            Map.of("jsonrpc", "2.0", "id", 1, "method", method, "params", params));
    HttpResponse<String> r =
        RPC.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body()).path("result");
  }

  /** Block {@code number}'s hash on node {@code node}'s chain; empty or "null" before it has it. */
  String blockHash(int node, long number) throws Exception {
    return rpc(
            platform.rpcPort(node), "eth_getBlockByNumber", "0x" + Long.toHexString(number), false)
        .path("hash")
        .asText();
  }

  /** The number of the newest block on node {@code node}'s chain. */
  long blockNumber(int node) throws Exception {
    return Long.decode(rpc(platform.rpcPort(node), "eth_blockNumber").asText());
  }

  /** The value of the Prometheus sample {@code name} (with its labels) in {@code scrape}, or 0. */
  static double counter(String scrape, String name) {
    return scrape
        .lines()
        .filter(l -> l.startsWith(name + " "))
        .mapToDouble(l -> Double.parseDouble(l.substring(name.length() + 1).trim()))
        .findFirst()
        .orElse(0);
  }

  String get(String url) throws Exception {
    return platform
        .http()
        .send(
            HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + platform.adminToken())
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** The status of a GET (or, with a body, a PUT) of {@code url} with bearer {@code token}. */
  int status(String url, String token, String putBody) throws Exception {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create(url))
            .header("Authorization", "Bearer " + token)
            .timeout(Duration.ofSeconds(10));
    if (putBody != null) {
      r.header("Content-Type", "application/json")
          .PUT(HttpRequest.BodyPublishers.ofString(putBody));
    }
    return platform.http().send(r.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
