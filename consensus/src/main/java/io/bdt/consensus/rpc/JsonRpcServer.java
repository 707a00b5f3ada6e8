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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JSON-RPC 2.0 over HTTP POST (JDK HTTP server): single requests, batches, notifications, and the
 * spec's error codes. Methods are plain functions from the params array to a JSON result.
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
  private final HttpServer server;
  private final ExecutorService executor;

  public JsonRpcServer(InetSocketAddress address, Map<String, Method> methods) throws IOException {
    this.methods = Map.copyOf(methods);
    this.server = HttpServer.create(address, 128);
    this.executor =
        Executors.newFixedThreadPool(4, Thread.ofPlatform().name("rpc-", 0).daemon().factory());
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** The bound port (useful with port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      exchange.getResponseHeaders().add("Access-Control-Allow-Origin", "*");
      exchange.getResponseHeaders().add("Access-Control-Allow-Headers", "Content-Type");
      if (exchange.getRequestMethod().equals("OPTIONS")) {
        exchange.sendResponseHeaders(204, -1);
        return;
      }
      if (!exchange.getRequestMethod().equals("POST")) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      JsonNode response = respond(body);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      if (response == null) {
        exchange.sendResponseHeaders(204, -1);
        return;
      }
      byte[] out = mapper.writeValueAsBytes(response);
      exchange.sendResponseHeaders(200, out.length);
      try (OutputStream os = exchange.getResponseBody()) {
        os.write(out);
      }
    }
  }

  /** The response to a request body, or null when it held only notifications. */
  public JsonNode respond(byte[] body) {
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
  }
}
