package io.bdt.consensus.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bdt.consensus.block.Block;
import io.bdt.consensus.chain.Blockchain;
import io.bdt.consensus.chain.TransactionPool;
import io.bdt.consensus.tx.SignedTransaction;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.java_websocket.WebSocket;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.ServerHandshakeBuilder;
import org.java_websocket.protocols.Protocol;
import org.java_websocket.server.WebSocketServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JSON-RPC 2.0 over WebSocket: every HTTP method, plus {@code eth_subscribe} ({@code newHeads},
 * {@code logs} with an optional address/topics filter, {@code newPendingTransactions}) and {@code
 * eth_unsubscribe}, pushing {@code eth_subscription} notifications as geth does.
 */
public final class WebSocketRpcServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WebSocketRpcServer.class);

  private sealed interface Subscription {
    WebSocket socket();
  }

  private record NewHeads(WebSocket socket) implements Subscription {}

  private record Logs(WebSocket socket, JsonNode filter) implements Subscription {}

  private record PendingTransactions(WebSocket socket) implements Subscription {}

  private final ObjectMapper json = new ObjectMapper();
  private final JsonRpcServer http;
  private final EthApi api;
  private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong(1);
  private final Server server;

  public WebSocketRpcServer(
      InetSocketAddress address,
      JsonRpcServer http,
      EthApi api,
      Blockchain chain,
      TransactionPool pool)
      throws InterruptedException {
    this.http = http;
    this.api = api;
    this.server = new Server(address);
    server.setReuseAddr(true);
    server.start();
    if (!server.started.await(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("WebSocket server did not start on " + address);
    }
    chain.onNewHead(this::onNewHead);
    pool.onAdmitted(this::onPending);
  }

  /** The bound port. */
  public int port() {
    return server.getPort();
  }

  private final class Server extends WebSocketServer {
    final CountDownLatch started = new CountDownLatch(1);

    Server(InetSocketAddress address) {
      // a frame over the body limit closes the connection (1009) instead of being read
      super(
          address,
          List.of(
              new Draft_6455(List.of(), List.of(new Protocol("")), http.limits().maxBodyBytes())));
    }

    @Override
    public ServerHandshakeBuilder onWebsocketHandshakeReceivedAsServer(
        WebSocket conn, Draft draft, ClientHandshake request) throws InvalidDataException {
      String origin = request.getFieldValue("Origin");
      if (!origin.isEmpty() && !http.limits().allowsOrigin(origin)) {
        // browsers open WebSockets to any origin: the origin check is the only guard
        http.refusals().count(RpcRefusals.Limit.CORS_ORIGIN);
        throw new InvalidDataException(
            CloseFrame.POLICY_VALIDATION,
            "origin " + origin + " not allowed (" + RpcRefusals.Limit.CORS_ORIGIN.label() + ")");
      }
      return super.onWebsocketHandshakeReceivedAsServer(conn, draft, request);
    }

    @Override
    public void onOpen(WebSocket conn, ClientHandshake handshake) {}

    @Override
    public void onClose(WebSocket conn, int code, String reason, boolean remote) {
      subscriptions.values().removeIf(s -> s.socket() == conn);
      if (!remote && code == CloseFrame.TOOBIG) {
        http.refusals().count(RpcRefusals.Limit.BODY_SIZE);
      }
    }

    @Override
    public void onMessage(WebSocket conn, String message) {
      try {
        JsonNode request = json.readTree(message);
        String method = request.path("method").asText();
        JsonNode response =
            switch (method) {
              case "eth_subscribe" -> subscribe(conn, request);
              case "eth_unsubscribe" -> unsubscribe(conn, request);
              default -> http.answer(message.getBytes(StandardCharsets.UTF_8));
            };
        if (response != null) {
          conn.send(json.writeValueAsString(response));
        }
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        if (conn.isOpen()) {
          conn.send(
              "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"}}");
        }
      } catch (org.java_websocket.exceptions.WebsocketNotConnectedException e) {
        // the client went away before its answer was ready
      }
    }

    @Override
    public void onError(WebSocket conn, Exception ex) {
      LOG.debug("websocket error", ex);
    }

    @Override
    public void onStart() {
      started.countDown();
    }
  }

  private JsonNode subscribe(WebSocket conn, JsonNode request) {
    JsonNode params = request.path("params");
    String kind = params.path(0).asText();
    Subscription s =
        switch (kind) {
          case "newHeads" -> new NewHeads(conn);
          case "logs" ->
              new Logs(conn, params.path(1).isObject() ? params.get(1) : json.createObjectNode());
          case "newPendingTransactions" -> new PendingTransactions(conn);
          default -> null;
        };
    if (s == null) {
      return error(
          request, RpcException.INVALID_PARAMS, "eth_subscribe: unknown subscription " + kind);
    }
    String id = "0x" + Long.toHexString(ids.getAndIncrement());
    subscriptions.put(id, s);
    return result(request, json.getNodeFactory().textNode(id));
  }

  private JsonNode unsubscribe(WebSocket conn, JsonNode request) {
    String id = request.path("params").path(0).asText();
    Subscription s = subscriptions.get(id);
    boolean removed = s != null && s.socket() == conn && subscriptions.remove(id) != null;
    return result(request, json.getNodeFactory().booleanNode(removed));
  }

  private void onNewHead(Block block) {
    JsonNode header = null;
    for (var e : subscriptions.entrySet()) {
      switch (e.getValue()) {
        case NewHeads h -> {
          if (header == null) {
            header = api.blockJson(block.header(), false);
          }
          notify(h.socket(), e.getKey(), header);
        }
        case Logs l -> {
          ObjectNode filter = l.filter().deepCopy();
          filter.remove("fromBlock");
          filter.remove("toBlock");
          filter.put("blockHash", block.hash().toHexString());
          for (JsonNode log : api.logs(filter, java.util.Optional.empty())) {
            notify(l.socket(), e.getKey(), log);
          }
        }
        case PendingTransactions p -> {}
      }
    }
  }

  private void onPending(SignedTransaction tx) {
    for (var e : subscriptions.entrySet()) {
      if (e.getValue() instanceof PendingTransactions p) {
        notify(p.socket(), e.getKey(), json.getNodeFactory().textNode(tx.hash().toHexString()));
      }
    }
  }

  private void notify(WebSocket socket, String id, JsonNode result) {
    ObjectNode n = json.createObjectNode();
    n.put("jsonrpc", "2.0");
    n.put("method", "eth_subscription");
    ObjectNode params = n.putObject("params");
    params.put("subscription", id);
    params.set("result", result);
    try {
      if (socket.isOpen()) {
        socket.send(json.writeValueAsString(n));
      }
    } catch (Exception e) {
      LOG.debug("notification to a closed socket", e);
    }
  }

  private ObjectNode result(JsonNode request, JsonNode result) {
    ObjectNode o = json.createObjectNode();
    o.put("jsonrpc", "2.0");
    o.set("id", request.path("id"));
    o.set("result", result);
    return o;
  }

  private ObjectNode error(JsonNode request, int code, String message) {
    ObjectNode o = json.createObjectNode();
    o.put("jsonrpc", "2.0");
    o.set("id", request.path("id"));
    o.putObject("error").put("code", code).put("message", message);
    return o;
  }

  @Override
  public void close() {
    try {
      server.stop(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
