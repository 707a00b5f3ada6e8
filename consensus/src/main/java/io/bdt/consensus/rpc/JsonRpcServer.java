package io.bdt.consensus.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JSON-RPC 2.0 over HTTP POST (JDK HTTP server): single requests, batches, notifications, and the
 * spec's error codes. Methods are plain functions from the params array to a JSON result. Every
 * request is held to {@link RpcLimits}: body size and batch size are checked before any call runs,
 * each request is answered within the request timeout, and browsers from origins that CORS does not
 * allow are refused; each refusal is a JSON-RPC error naming the limit, counted in {@link
 * RpcRefusals}.
 */
public final class JsonRpcServer implements AutoCloseable {
  /** One RPC method. */
  @FunctionalInterface
  public interface Method {
    JsonNode call(ArrayNode params);
  }

  private static final Logger LOG = LoggerFactory.getLogger(JsonRpcServer.class);
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private final ObjectMapper mapper = new ObjectMapper();
  private final Map<String, Method> methods;
  private final RpcLimits limits;
  private final RpcRefusals refusals;
  private final HttpServer server;
  private final ExecutorService executor;
  private final ExecutorService calls;

  /** A server with geth's default limits, CORS off. */
  public JsonRpcServer(InetSocketAddress address, Map<String, Method> methods) throws IOException {
    this(address, methods, RpcLimits.defaults(), new RpcRefusals());
  }

  public JsonRpcServer(
      InetSocketAddress address,
      Map<String, Method> methods,
      RpcLimits limits,
      RpcRefusals refusals)
      throws IOException {
    this.methods = Map.copyOf(methods);
    this.limits = limits;
    this.refusals = refusals;
    this.server = HttpServer.create(address, 128);
    // connection threads mostly wait for their call (run on the calls pool under the timeout)
    this.executor =
        Executors.newFixedThreadPool(16, Thread.ofPlatform().name("rpc-", 0).daemon().factory());
    this.calls =
        Executors.newFixedThreadPool(
            Math.max(4, 2 * Runtime.getRuntime().availableProcessors()),
            Thread.ofPlatform().name("rpc-call-", 0).daemon().factory());
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** The bound port (useful with port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The limits this server holds requests to. */
  public RpcLimits limits() {
    return limits;
  }

  /** What the limits have refused so far. */
  public RpcRefusals refusals() {
    return refusals;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String origin = exchange.getRequestHeaders().getFirst("Origin");
      if (origin != null) {
        if (!limits.allowsOrigin(origin)) {
          // a page on another origin: without CORS configured no browser may drive the node
          // (sending transactions, running calls) on behalf of whoever opened the page
          RpcException e =
              refusals.refuse(
                  RpcRefusals.Limit.CORS_ORIGIN,
                  RpcException.INVALID_REQUEST,
                  "origin "
                      + origin
                      + " not allowed ("
                      + RpcRefusals.Limit.CORS_ORIGIN.label()
                      + ": CORS is "
                      + (limits.corsOrigins().isEmpty()
                          ? "off"
                          : "limited to " + limits.corsOrigins())
                      + ")");
          send(exchange, 403, error(NullNode.getInstance(), e));
          return;
        }
        exchange
            .getResponseHeaders()
            .add("Access-Control-Allow-Origin", limits.corsOrigins().contains("*") ? "*" : origin);
        exchange.getResponseHeaders().add("Vary", "Origin");
        exchange.getResponseHeaders().add("Access-Control-Allow-Headers", "Content-Type");
        exchange.getResponseHeaders().add("Access-Control-Allow-Methods", "POST, OPTIONS");
      }
      if (exchange.getRequestMethod().equals("OPTIONS")) {
        exchange.sendResponseHeaders(204, -1);
        return;
      }
      if (!exchange.getRequestMethod().equals("POST")) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] body = readBody(exchange);
      if (body == null) {
        RpcException e =
            refusals.refuse(
                RpcRefusals.Limit.BODY_SIZE,
                RpcException.LIMIT_EXCEEDED,
                "request body too large: over the "
                    + RpcRefusals.Limit.BODY_SIZE.label()
                    + " limit of "
                    + limits.maxBodyBytes()
                    + " bytes");
        send(exchange, 413, error(NullNode.getInstance(), e));
        return;
      }
      JsonNode response = answer(body);
      if (response == null) {
        exchange.sendResponseHeaders(204, -1);
        return;
      }
      send(exchange, 200, response);
    }
  }

  /**
   * The body, or null when it is larger than the body limit. Only that much is kept; the rest of an
   * oversized body is read and discarded (at most another limit's worth), so that the client, which
   * is still sending, reads the refusal instead of a connection reset by a server that closed with
   * unread data (as a lingering close does in other HTTP servers).
   */
  private byte[] readBody(HttpExchange exchange) throws IOException {
    InputStream in = exchange.getRequestBody();
    String length = exchange.getRequestHeaders().getFirst("Content-Length");
    if (length != null) {
      try {
        if (Long.parseLong(length.trim()) > limits.maxBodyBytes()) {
          discard(in, limits.maxBodyBytes() + 1L + limits.maxBodyBytes());
          return null;
        }
      } catch (NumberFormatException e) {
        // the server itself rejects a malformed length; read as much as the limit allows
      }
    }
    byte[] body = in.readNBytes(limits.maxBodyBytes() + 1);
    if (body.length > limits.maxBodyBytes()) {
      discard(in, limits.maxBodyBytes());
      return null;
    }
    return body;
  }

  /** Reads and drops up to {@code max} bytes of {@code in}, in a small buffer. */
  private static void discard(InputStream in, long max) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    long left = max;
    int n;
    while (left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) >= 0) {
      left -= n;
    }
  }

  private void send(HttpExchange exchange, int status, JsonNode response) throws IOException {
    byte[] out = mapper.writeValueAsBytes(response);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, out.length);
    try (OutputStream os = exchange.getResponseBody()) {
      os.write(out);
    }
  }

  /**
   * Answers one request (or batch) in process, as the HTTP endpoint would, limits included; null
   * when it held only notifications.
   *
   * @throws IllegalArgumentException if the request is over the body size limit
   */
  public String answer(String request) {
    byte[] body = request.getBytes(StandardCharsets.UTF_8);
    if (body.length > limits.maxBodyBytes()) {
      throw new IllegalArgumentException(
          "request of "
              + body.length
              + " bytes over the body size limit of "
              + limits.maxBodyBytes());
    }
    JsonNode answer = answer(body);
    return answer == null ? null : answer.toString();
  }

  /**
   * The response to a request body within the request timeout (a timeout error for every call when
   * it runs out), or null when it held only notifications. The body must already be within the body
   * limit.
   */
  public JsonNode answer(byte[] body) {
    Future<JsonNode> running;
    try {
      running = calls.submit(() -> respond(body));
    } catch (RejectedExecutionException e) {
      return error(
          NullNode.getInstance(),
          new RpcException(RpcException.SERVER_ERROR, "the node is shutting down"));
    }
    try {
      return running.get(limits.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      running.cancel(true);
      return timedOut(body);
    } catch (InterruptedException e) {
      running.cancel(true);
      Thread.currentThread().interrupt();
      return error(
          NullNode.getInstance(), new RpcException(RpcException.INTERNAL_ERROR, "interrupted"));
    } catch (ExecutionException e) {
      LOG.warn("answering a request failed", e.getCause());
      return error(
          NullNode.getInstance(),
          new RpcException(
              RpcException.INTERNAL_ERROR, "Internal error: " + e.getCause().getMessage()));
    }
  }

  /** Timeout errors for the calls of a request that ran out of time (ids kept, as geth does). */
  private JsonNode timedOut(byte[] body) {
    RpcException e =
        refusals.refuse(
            RpcRefusals.Limit.REQUEST_TIMEOUT,
            RpcException.TIMEOUT,
            "request timed out: over the "
                + RpcRefusals.Limit.REQUEST_TIMEOUT.label()
                + " of "
                + limits.requestTimeout().toMillis()
                + " ms");
    JsonNode request;
    try {
      request = mapper.readTree(body);
    } catch (IOException x) {
      return error(NullNode.getInstance(), e);
    }
    if (request != null && request.isArray()) {
      ArrayNode out = JSON.arrayNode();
      for (JsonNode r : request) {
        if (r.isObject() && r.has("id")) {
          out.add(error(r.get("id"), e));
        }
      }
      return out.isEmpty() ? null : out;
    }
    JsonNode id =
        request != null && request.isObject() ? request.path("id") : NullNode.getInstance();
    return error(id.isMissingNode() ? NullNode.getInstance() : id, e);
  }

  /** The response to a request body, or null when it held only notifications (no time limit). */
  JsonNode respond(byte[] body) {
    JsonNode request;
    try {
      request = mapper.readTree(body);
    } catch (IOException e) {
      return error(
          NullNode.getInstance(), new RpcException(RpcException.PARSE_ERROR, "Parse error"));
    }
    if (request == null) {
      return error(
          NullNode.getInstance(), new RpcException(RpcException.PARSE_ERROR, "Parse error"));
    }
    if (request.isArray()) {
      if (request.isEmpty()) {
        return error(
            NullNode.getInstance(),
            new RpcException(RpcException.INVALID_REQUEST, "Invalid Request: empty batch"));
      }
      if (request.size() > limits.maxBatchCalls()) {
        return error(
            NullNode.getInstance(),
            refusals.refuse(
                RpcRefusals.Limit.BATCH_SIZE,
                RpcException.LIMIT_EXCEEDED,
                "batch too large: "
                    + request.size()
                    + " calls, over the "
                    + RpcRefusals.Limit.BATCH_SIZE.label()
                    + " limit of "
                    + limits.maxBatchCalls()));
      }
      // batch members are independent: answer them in parallel (signature recovery dominates
      // eth_sendRawTransaction), keeping the request order in the response
      List<JsonNode> answers =
          IntStream.range(0, request.size())
              .parallel()
              .mapToObj(i -> Optional.ofNullable(single(request.get(i))))
              .flatMap(Optional::stream)
              .toList();
      ArrayNode out = JSON.arrayNode();
      out.addAll(answers);
      return out.isEmpty() ? null : out;
    }
    return single(request);
  }

  private JsonNode single(JsonNode r) {
    if (!r.isObject()
        || !"2.0".equals(r.path("jsonrpc").asText())
        || !r.path("method").isTextual()
        || (r.has("params") && !r.get("params").isArray() && !r.get("params").isNull())) {
      JsonNode id = r.isObject() && r.has("id") ? r.get("id") : NullNode.getInstance();
      return error(id, new RpcException(RpcException.INVALID_REQUEST, "Invalid Request"));
    }
    boolean notification = !r.has("id");
    JsonNode id = r.path("id");
    String name = r.get("method").asText();
    Method method = methods.get(name);
    JsonNode result;
    try {
      if (method == null) {
        throw new RpcException(
            RpcException.METHOD_NOT_FOUND,
            "the method " + name + " does not exist/is not available");
      }
      ArrayNode params = r.get("params") instanceof ArrayNode a ? a : JSON.arrayNode();
      result = method.call(params);
    } catch (RpcException e) {
      return notification ? null : error(id, e);
    } catch (IllegalArgumentException e) {
      return notification ? null : error(id, RpcException.invalidParams(e.getMessage()));
    } catch (RuntimeException e) {
      LOG.warn("{} failed", name, e);
      return notification
          ? null
          : error(
              id,
              new RpcException(RpcException.INTERNAL_ERROR, "Internal error: " + e.getMessage()));
    }
    if (notification) {
      return null;
    }
    ObjectNode ok = JSON.objectNode();
    ok.put("jsonrpc", "2.0");
    ok.set("id", id);
    ok.set("result", result == null ? NullNode.getInstance() : result);
    return ok;
  }

  private static ObjectNode error(JsonNode id, RpcException e) {
    ObjectNode out = JSON.objectNode();
    out.put("jsonrpc", "2.0");
    out.set("id", id);
    ObjectNode err = out.putObject("error");
    err.put("code", e.code());
    err.put("message", e.getMessage());
    if (e.data() != null) {
      err.put("data", e.data());
    }
    return out;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    calls.shutdownNow();
  }
}
