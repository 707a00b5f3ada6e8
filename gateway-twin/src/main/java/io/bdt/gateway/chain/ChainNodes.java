package io.bdt.gateway.chain;

import io.reactivex.Flowable;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.OkHttpClient;
import org.jboss.logging.Logger;
import org.web3j.protocol.Web3jService;
import org.web3j.protocol.core.BatchRequest;
import org.web3j.protocol.core.BatchResponse;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.http.HttpService;
import org.web3j.protocol.websocket.events.Notification;
import org.web3j.utils.Async;

/**
 * The gateway's chain nodes ({@code bdt.gateway.chain.rpc-url}, one JSON-RPC URL or several
 * separated by commas): every call goes to the node in use, the first at start; when that node does
 * not answer (an I/O error: refused, unreachable, timed out) the call goes to the next in order,
 * and the node that answered stays in use. A JSON-RPC error is an answer and moves nothing. So a
 * gateway keeps its chain view (anchors, device registry, receipts) while one node's host is down.
 */
public final class ChainNodes implements Web3jService {
  private static final Logger LOG = Logger.getLogger(ChainNodes.class);

  private final List<String> urls;
  private final List<HttpService> nodes;
  private final AtomicInteger inUse = new AtomicInteger();
  private final AtomicLong failovers = new AtomicLong();

  private ChainNodes(List<String> urls, OkHttpClient http) {
    this.urls = List.copyOf(urls);
    this.nodes = urls.stream().map(u -> new HttpService(u, http)).toList();
  }

  /**
   * The nodes of {@code rpcUrls} (comma-separated {@code http(s)://} URLs) over {@code http}.
   *
   * @throws IllegalArgumentException naming {@code key} and the value when a URL is not usable
   */
  public static ChainNodes parse(String key, String rpcUrls, OkHttpClient http) {
    List<String> urls = new ArrayList<>();
    for (String part : rpcUrls.split(",")) {
      String url = part.strip();
      URI uri;
      try {
        uri = URI.create(url);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(key + ": '" + url + "' is not a URL", e);
      }
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null) {
        throw new IllegalArgumentException(
            key
                + ": '"
                + url
                + "' is not an http(s)://host:port JSON-RPC URL (in "
                + rpcUrls
                + ")");
      }
      urls.add(url);
    }
    return new ChainNodes(urls, http);
  }

  /** The URL of the node calls go to now. */
  public String inUse() {
    return urls.get(inUse.get());
  }

  /** How many times calls moved to another node because the one in use did not answer. */
  public long failovers() {
    return failovers.get();
  }

  @Override
  public <T extends Response> T send(Request request, Class<T> responseType) throws IOException {
    int first = inUse.get();
    IOException failure = null;
    for (int i = 0; i < nodes.size(); i++) {
      int n = (first + i) % nodes.size();
      try {
        T answer = nodes.get(n).send(request, responseType);
        moveTo(first, n, failure);
        return answer;
      } catch (IOException e) {
        failure = failure == null ? e : failure;
      }
    }
    throw failure;
  }

  @Override
  public BatchResponse sendBatch(BatchRequest requests) throws IOException {
    int first = inUse.get();
    IOException failure = null;
    for (int i = 0; i < nodes.size(); i++) {
      int n = (first + i) % nodes.size();
      try {
        BatchResponse answer = nodes.get(n).sendBatch(requests);
        moveTo(first, n, failure);
        return answer;
      } catch (IOException e) {
        failure = failure == null ? e : failure;
      }
    }
    throw failure;
  }

  /** After node {@code n} answered a call begun on {@code first}: {@code n} is in use. */
  private void moveTo(int first, int n, IOException why) {
    if (n != first && inUse.compareAndSet(first, n)) {
      failovers.incrementAndGet();
      LOG.warnf(
          "chain node %s did not answer (%s); calls go to %s now",
          urls.get(first), why.getMessage(), urls.get(n));
    }
  }

  @Override
  public <T extends Response> CompletableFuture<T> sendAsync(
      Request request, Class<T> responseType) {
    return Async.run(() -> send(request, responseType));
  }

  @Override
  public CompletableFuture<BatchResponse> sendBatchAsync(BatchRequest requests) {
    return Async.run(() -> sendBatch(requests));
  }

  @Override
  public <T extends Notification<?>> Flowable<T> subscribe(
      Request request, String unsubscribeMethod, Class<T> responseType) {
    throw new UnsupportedOperationException("the gateway's chain nodes are called over HTTP");
  }

  @Override
  public void close() throws IOException {
    for (HttpService node : nodes) {
      node.close();
    }
  }
}
