package io.bdt.explorer.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A JSON-RPC 2.0 client of any Ethereum-compatible node over HTTP (a B-DT node, Besu, geth): the
 * few read methods the explorer needs, batched where the indexer fetches many at once.
 */
public final class NodeRpc {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final URI url;
  private final HttpClient http;
  private final Duration timeout;
  private final AtomicLong ids = new AtomicLong();

  public NodeRpc(URI url, Duration timeout) {
    this.url = url;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  /** The node's URL. */
  public URI url() {
    return url;
  }

  /** Calls {@code method} with {@code params}; returns its result (JSON null if none). */
  public JsonNode call(String method, Object... params) throws IOException {
    ObjectNode request = request(method, params);
    JsonNode response = send(request);
    return result(method, response);
  }

  /** Calls per JSON-RPC batch: under geth's and B-DT's default limit of 1,000. */
  public static final int MAX_BATCH = 500;

  /**
   * Calls every request of {@code calls} in batches of at most {@value #MAX_BATCH}; the results in
   * the same order.
   */
  public List<JsonNode> batch(List<Call> calls) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (int from = 0; from < calls.size(); from += MAX_BATCH) {
      out.addAll(oneBatch(calls.subList(from, Math.min(calls.size(), from + MAX_BATCH))));
    }
    return out;
  }

  private List<JsonNode> oneBatch(List<Call> calls) throws IOException {
    ArrayNode batch = JSON.createArrayNode();
    List<Long> order = new ArrayList<>();
    for (Call c : calls) {
      ObjectNode r = request(c.method(), c.params());
      order.add(r.get("id").asLong());
      batch.add(r);
    }
    JsonNode response = send(batch);
    if (!response.isArray()) {
      throw new IOException(url + ": batch answered with " + abbreviate(response.toString()));
    }
    java.util.Map<Long, JsonNode> byId = new java.util.HashMap<>();
    response.forEach(r -> byId.put(r.path("id").asLong(), r));
    List<JsonNode> out = new ArrayList<>();
    for (int i = 0; i < calls.size(); i++) {
      JsonNode r = byId.get(order.get(i));
      if (r == null) {
        throw new IOException(url + ": batch answer misses the reply to " + calls.get(i).method());
      }
      out.add(result(calls.get(i).method(), r));
    }
    return out;
  }

  /** One call of a batch. */
  public record Call(String method, Object... params) {}

  /** eth_blockNumber. */
  public long blockNumber() throws IOException {
    return quantity(call("eth_blockNumber")).longValueExact();
  }

  /** eth_getBlockByNumber with full transactions, or JSON null when there is none. */
  public JsonNode block(long number) throws IOException {
    return call("eth_getBlockByNumber", hex(number), true);
  }

  /** A hex quantity (0x...) as a number. */
  public static BigInteger quantity(JsonNode node) {
    String s = node.asText();
    if (!s.startsWith("0x") || s.length() < 3) {
      throw new IllegalArgumentException("not a hex quantity: " + abbreviate(s));
    }
    return new BigInteger(s.substring(2), 16);
  }

  /** {@code n} as a hex quantity. */
  public static String hex(long n) {
    return "0x" + Long.toHexString(n);
  }

  private ObjectNode request(String method, Object[] params) {
    ObjectNode r = JSON.createObjectNode();
    r.put("jsonrpc", "2.0");
    r.put("id", ids.incrementAndGet());
    r.put("method", method);
    r.set("params", JSON.valueToTree(params));
    return r;
  }

  private JsonNode send(JsonNode body) throws IOException {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(url)
                  .timeout(timeout)
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IOException(
            url + " answered HTTP " + r.statusCode() + ": " + abbreviate(r.body()));
      }
      return JSON.readTree(r.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while calling " + url, e);
    }
  }

  private JsonNode result(String method, JsonNode response) throws IOException {
    if (response.has("error")) {
      throw new RpcError(
          method, response.path("error").path("code").asInt(), response.path("error"));
    }
    return response.path("result");
  }

  /** The node answered a call with a JSON-RPC error. */
  public static final class RpcError extends IOException {
    private final int code;
    private final transient JsonNode error;

    RpcError(String method, int code, JsonNode error) {
      super(method + ": " + error.path("message").asText("error " + code));
      this.code = code;
      this.error = error;
    }

    public int code() {
      return code;
    }

    public JsonNode error() {
      return error;
    }
  }

  static String abbreviate(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }
}
