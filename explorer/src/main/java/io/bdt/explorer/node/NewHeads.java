package io.bdt.explorer.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A subscription to a node's {@code newHeads} over JSON-RPC WebSocket: runs {@code onWake} for
 * every new head and whenever the subscription goes live or down, and reconnects every {@link
 * #RETRY} while the node's WebSocket is unreachable. It only wakes the indexer (which polls the
 * head often while the subscription is down); the blocks themselves are read over HTTP.
 */
public final class NewHeads implements AutoCloseable {

  /** Wait before reconnecting after the connection failed or closed. */
  public static final Duration RETRY = Duration.ofSeconds(3);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SUBSCRIBE =
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_subscribe\",\"params\":[\"newHeads\"]}";

  private final URI url;
  private final Runnable onWake;
  private final Consumer<Throwable> onError;
  private final HttpClient http = HttpClient.newHttpClient();
  private final ScheduledExecutorService retry =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "explorer-newheads");
            t.setDaemon(true);
            return t;
          });
  private volatile WebSocket socket;
  private volatile boolean live;
  private volatile long heads;
  private volatile boolean closed;

  public NewHeads(URI url, Runnable onWake, Consumer<Throwable> onError) {
    this.url = url;
    this.onWake = onWake;
    this.onError = onError;
    connect();
  }

  /** Whether the node has confirmed the subscription and the connection is still open. */
  public boolean live() {
    return live;
  }

  /** New-head notifications received so far. */
  public long heads() {
    return heads;
  }

  private void connect() {
    if (closed) {
      return;
    }
    http.newWebSocketBuilder()
        .connectTimeout(Duration.ofSeconds(5))
        .buildAsync(url, new Listener())
        .whenComplete(
            (ws, e) -> {
              if (e != null) {
                down(e);
              } else {
                socket = ws;
                ws.sendText(SUBSCRIBE, true);
              }
            });
  }

  /** The connection failed or closed: poll meanwhile, reconnect later. */
  private void down(Throwable cause) {
    boolean was = live;
    live = false;
    if (cause != null) {
      onError.accept(cause);
    }
    if (was) {
      onWake.run(); // the indexer switches to polling at once
    }
    if (!closed) {
      retry.schedule(this::connect, RETRY.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder message = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      message.append(data);
      if (last) {
        String text = message.toString();
        message.setLength(0);
        handle(text);
      }
      ws.request(1);
      return null;
    }

    private void handle(String text) {
      JsonNode m;
      try {
        m = JSON.readTree(text);
      } catch (IOException e) {
        onError.accept(new IOException("newHeads: not JSON from " + url, e));
        return;
      }
      if ("eth_subscription".equals(m.path("method").asText())) {
        heads++;
        onWake.run();
      } else if (m.path("id").asInt() == 1 && m.hasNonNull("result")) {
        live = true;
        onWake.run(); // catch up with what came while the subscription was down
      } else if (m.has("error")) {
        onError.accept(
            new IOException("eth_subscribe newHeads refused: " + m.path("error").toString()));
      }
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
      down(null);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      down(error);
    }
  }

  @Override
  public void close() {
    closed = true;
    live = false;
    retry.shutdownNow();
    WebSocket ws = socket;
    if (ws != null) {
      ws.abort();
    }
  }
}
