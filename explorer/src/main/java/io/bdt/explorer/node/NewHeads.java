package io.bdt.explorer.node;

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
 * A subscription to a node's {@code newHeads} over JSON-RPC WebSocket: runs {@code onHead} for
 * every notification, and reconnects every few seconds while the node is unreachable. It only wakes
 * the indexer; the blocks themselves are read over HTTP.
 */
public final class NewHeads implements AutoCloseable {

  private final URI url;
  private final Runnable onHead;
  private final Consumer<Throwable> onError;
  private final ScheduledExecutorService retry =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "explorer-newheads");
            t.setDaemon(true);
            return t;
          });
  private volatile WebSocket socket;
  private volatile boolean closed;

  public NewHeads(URI url, Runnable onHead, Consumer<Throwable> onError) {
    this.url = url;
    this.onHead = onHead;
    this.onError = onError;
    connect();
  }

  private void connect() {
    if (closed) {
      return;
    }
    HttpClient.newHttpClient()
        .newWebSocketBuilder()
        .connectTimeout(Duration.ofSeconds(5))
        .buildAsync(url, new Listener())
        .whenComplete(
            (ws, e) -> {
              if (e != null) {
                onError.accept(e);
                retry.schedule(this::connect, 3, TimeUnit.SECONDS);
              } else {
                socket = ws;
                ws.sendText(
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_subscribe\",\"params\":[\"newHeads\"]}",
                    true);
              }
            });
  }

  private final class Listener implements WebSocket.Listener {
    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      if (last && data.toString().contains("eth_subscription")) {
        onHead.run();
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
      retry.schedule(NewHeads.this::connect, 3, TimeUnit.SECONDS);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      onError.accept(error);
      retry.schedule(NewHeads.this::connect, 3, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() {
    closed = true;
    retry.shutdownNow();
    WebSocket ws = socket;
    if (ws != null) {
      ws.abort();
    }
  }
}
