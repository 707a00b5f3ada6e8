package io.bdt.consensus.p2p;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.bdt.consensus.block.Block;
import io.bdt.consensus.chain.Blockchain;
import io.bdt.consensus.chain.TransactionPool;
import io.bdt.consensus.tx.InvalidTransactionException;
import io.bdt.consensus.tx.SignedTransaction;
import io.bdt.consensus.validation.InvalidBlockException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.tuweni.bytes.Bytes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;

/**
 * Gossip and sync between nodes over HTTP: every request is a signed {@link Envelope} POSTed to
 * {@code <peer>/p2p}. Types: {@code tx} (raw transaction), {@code block} (block RLP), {@code
 * status} (answer: genesis hash, head number and hash), {@code blocks} (payload {@code from:count};
 * answer: canonical block RLPs). A peer whose message has a bad signature, or carries an invalid
 * block or transaction, is dropped and its node address banned. A block whose parent is unknown
 * makes the node sync from the sender.
 */
public final class PeerNetwork implements AutoCloseable {
  /** Most blocks one {@code blocks} request returns. */
  public static final int MAX_BLOCKS_PER_REQUEST = 128;

  private static final Logger LOG = LoggerFactory.getLogger(PeerNetwork.class);
  private final ObjectMapper json = new ObjectMapper();
  private final Blockchain chain;
  private final TransactionPool pool;
  private final ECKeyPair key;
  private final Bytes address;
  private final HttpServer server;
  private final ExecutorService executor;
  private final HttpClient client;
  private final String listen;
  private final Set<URI> peers = ConcurrentHashMap.newKeySet();
  private final Set<Bytes> banned = ConcurrentHashMap.newKeySet();
  private final Set<URI> refused = ConcurrentHashMap.newKeySet();
  private final Object syncLock = new Object();

  public PeerNetwork(
      Blockchain chain,
      TransactionPool pool,
      ECKeyPair key,
      InetSocketAddress bind,
      Collection<URI> initialPeers)
      throws IOException {
    this.chain = chain;
    this.pool = pool;
    this.key = key;
    this.address = Bytes.fromHexString(Keys.getAddress(key));
    this.executor =
        Executors.newFixedThreadPool(4, Thread.ofPlatform().name("p2p-", 0).daemon().factory());
    this.server = HttpServer.create(bind, 64);
    server.setExecutor(executor);
    server.createContext("/p2p", this::handle);
    server.start();
    this.listen =
        "http://" + bind.getAddress().getHostAddress() + ":" + server.getAddress().getPort();
    this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    peers.addAll(initialPeers);
    pool.onAdmitted(tx -> broadcast("tx", tx.raw().toHexString(), null));
  }

  /** This node's P2P URL. */
  public URI url() {
    return URI.create(listen);
  }

  /** This node's address (node key). */
  public Bytes address() {
    return address;
  }

  /** Known peers. */
  public Set<URI> peers() {
    return Set.copyOf(peers);
  }

  /** Node addresses dropped for sending invalid data. */
  public Set<Bytes> banned() {
    return Set.copyOf(banned);
  }

  /** Adds a peer (and accepts its messages again if it was disconnected). */
  public void connect(URI peer) {
    refused.remove(peer);
    if (!peer.equals(url())) {
      peers.add(peer);
    }
  }

  /** Removes a peer and refuses its messages until {@link #connect} (a network partition). */
  public void disconnect(URI peer) {
    refused.add(peer);
    peers.remove(peer);
  }

  /** Sends {@code block} to every peer. */
  public void announce(Block block) {
    broadcast("block", block.rlp().toHexString(), null);
  }

  /** Fetches and imports blocks from every peer whose chain is longer. */
  public void syncFromPeers() {
    for (URI peer : peers) {
      syncFrom(peer);
    }
  }

  /** Fetches and imports the canonical blocks {@code peer} has beyond ours. */
  public void syncFrom(URI peer) {
    synchronized (syncLock) {
      try {
        JsonNode status = request(peer, "status", "");
        if (!chain
            .store()
            .canonicalHash(0)
            .orElseThrow()
            .toHexString()
            .equals(status.path("genesis").asText())) {
          LOG.warn("peer {} runs another genesis; dropping it", peer);
          peers.remove(peer);
          return;
        }
        long theirs = status.path("number").asLong();
        long from = Math.max(1, chain.head().number() - MAX_BLOCKS_PER_REQUEST + 1);
        boolean restarted = false;
        while (from <= theirs) {
          JsonNode blocks = request(peer, "blocks", from + ":" + MAX_BLOCKS_PER_REQUEST);
          if (blocks.isEmpty()) {
            return;
          }
          boolean restart = false;
          for (JsonNode b : blocks) {
            Block block = Block.decode(Bytes.fromHexString(b.asText()));
            try {
              chain.importBlock(block);
            } catch (InvalidBlockException e) {
              if (e.getMessage().startsWith("parent: unknown parent") && !restarted) {
                // fork deeper than our window: fetch the peer's chain from the start
                restarted = true;
                restart = true;
                break;
              }
              throw e;
            }
          }
          from = restart ? 1 : from + blocks.size();
        }
      } catch (InvalidBlockException | IllegalArgumentException e) {
        LOG.warn("peer {} served an invalid block ({}); dropping it", peer, e.getMessage());
        peers.remove(peer);
      } catch (IOException | RuntimeException e) {
        LOG.debug("sync from {} failed: {}", peer, e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private JsonNode request(URI peer, String type, String payload)
      throws IOException, InterruptedException {
    HttpResponse<String> r =
        client.send(post(peer, type, payload), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException(peer + " answered " + r.statusCode() + " to " + type);
    }
    return json.readTree(r.body());
  }

  private HttpRequest post(URI peer, String type, String payload) throws IOException {
    byte[] body = json.writeValueAsBytes(Envelope.sign(type, payload, listen, key));
    return HttpRequest.newBuilder(peer.resolve("/p2p"))
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
  }

  private void broadcast(String type, String payload, URI except) {
    for (URI peer : peers) {
      if (peer.equals(except) || refused.contains(peer)) {
        continue;
      }
      try {
        client
            .sendAsync(post(peer, type, payload), HttpResponse.BodyHandlers.discarding())
            .exceptionally(
                e -> {
                  LOG.debug("{} to {} failed: {}", type, peer, e.toString());
                  return null;
                });
      } catch (IOException e) {
        LOG.debug("{} to {} failed: {}", type, peer, e.toString());
      }
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Envelope m;
      try (InputStream in = exchange.getRequestBody()) {
        m = json.readValue(in, Envelope.class);
      } catch (IOException e) {
        reply(exchange, 400, "{\"error\":\"malformed envelope\"}");
        return;
      }
      Optional<Bytes> signer = m.signer();
      if (signer.isEmpty()) {
        reply(exchange, 401, "{\"error\":\"bad signature\"}");
        return;
      }
      if (banned.contains(signer.get())) {
        reply(exchange, 403, "{\"error\":\"banned\"}");
        return;
      }
      URI sender = m.listen() == null ? null : URI.create(m.listen());
      if (sender != null && refused.contains(sender)) {
        reply(exchange, 503, "{\"error\":\"disconnected\"}");
        return;
      }
      if (sender != null && !sender.equals(url())) {
        peers.add(sender);
      }
      try {
        String answer = dispatch(m, sender);
        reply(exchange, 200, answer);
      } catch (InvalidBlockException | InvalidTransactionException | IllegalArgumentException e) {
        if (e instanceof InvalidTransactionException t && alreadyKnownOrRecoverable(t)) {
          reply(exchange, 200, "{}");
          return;
        }
        LOG.warn("dropping peer {} ({}): {}", sender, signer.get(), e.getMessage());
        banned.add(signer.get());
        if (sender != null) {
          peers.remove(sender);
        }
        reply(
            exchange,
            400,
            json.writeValueAsString(java.util.Map.of("error", String.valueOf(e.getMessage()))));
      }
    }
  }

  private static boolean alreadyKnownOrRecoverable(InvalidTransactionException e) {
    String msg = String.valueOf(e.getMessage());
    // a transaction we already have, or one that the sender's newer state made stale, is not abuse
    return msg.contains("already known")
        || msg.contains("nonce too low")
        || msg.contains("underpriced")
        || e.mayBecomeValid();
  }

  private String dispatch(Envelope m, URI sender) throws IOException {
    switch (m.type()) {
      case "tx" -> {
        pool.admit(SignedTransaction.decode(Bytes.fromHexString(m.payload())), chain);
        return "{}";
      }
      case "block" -> {
        Block block = Block.decode(Bytes.fromHexString(m.payload()));
        try {
          Blockchain.ImportResult r = chain.importBlock(block);
          if (r != Blockchain.ImportResult.ALREADY_KNOWN) {
            broadcast("block", m.payload(), sender);
          }
        } catch (InvalidBlockException e) {
          if (e.getMessage().startsWith("parent: unknown parent") && sender != null) {
            executor.execute(() -> syncFrom(sender));
            return "{}";
          }
          throw e;
        }
        return "{}";
      }
      case "status" -> {
        ObjectNode o = json.createObjectNode();
        o.put("genesis", chain.store().canonicalHash(0).orElseThrow().toHexString());
        o.put("number", chain.head().number());
        o.put("hash", chain.head().hash().toHexString());
        return json.writeValueAsString(o);
      }
      case "blocks" -> {
        String[] range = m.payload().split(":");
        long from = Long.parseLong(range[0]);
        int count = Math.min(MAX_BLOCKS_PER_REQUEST, Integer.parseInt(range[1]));
        ArrayNode out = json.createArrayNode();
        for (long n = Math.max(1, from); n < from + count; n++) {
          Optional<Block> b = chain.blockByNumber(n);
          if (b.isEmpty()) {
            break;
          }
          out.add(b.get().rlp().toHexString());
        }
        return json.writeValueAsString(out);
      }
      default -> throw new IllegalArgumentException("unknown message type " + m.type());
    }
  }

  private static void reply(HttpExchange exchange, int status, String body) throws IOException {
    byte[] out = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, out.length);
    try (OutputStream os = exchange.getResponseBody()) {
      os.write(out);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
