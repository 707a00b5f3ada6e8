package io.bdt.consensus.p2p;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bdt.consensus.block.Block;
import io.bdt.consensus.chain.Blockchain;
import io.bdt.consensus.validation.InvalidBlockException;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Catching up with longer chains: asks a peer for its status and canonical blocks ({@code
 * get-status}, {@code get-blocks}) and imports them, answers the same requests from peers, and
 * reports the sync in progress.
 */
final class BlockSync implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BlockSync.class);
  private final ObjectMapper json = new ObjectMapper();
  private final Blockchain chain;
  private final NodeIdentity me;
  private final PeerTransport transport;
  private final PeerCounters counters;
  private final BiConsumer<Session, String> violation;
  private final ExecutorService work =
      Executors.newFixedThreadPool(2, Thread.ofPlatform().name("p2p-sync-", 0).daemon().factory());
  private final AtomicLong ids = new AtomicLong();
  private final AtomicLong syncStart = new AtomicLong(-1);
  private final Object syncLock = new Object();

  /**
   * @param violation what to do with a peer that served invalid data
   */
  BlockSync(
      Blockchain chain,
      NodeIdentity me,
      PeerTransport transport,
      PeerCounters counters,
      BiConsumer<Session, String> violation) {
    this.chain = chain;
    this.me = me;
    this.transport = transport;
    this.counters = counters;
    this.violation = violation;
  }

  /** Syncs from the peer of {@code s} on a sync thread. */
  void later(Session s) {
    try {
      work.execute(() -> syncFrom(s));
    } catch (RejectedExecutionException e) {
      // shutting down
    }
  }

  /**
   * The sync in progress: present while a linked peer's head (from its hello, its blocks and its
   * status answers) is above ours.
   */
  Optional<SyncStatus> status() {
    long ours = chain.head().number();
    long highest = transport.links().values().stream().mapToLong(s -> s.head).max().orElse(ours);
    if (highest <= ours) {
      syncStart.set(-1);
      return Optional.empty();
    }
    syncStart.compareAndSet(-1, ours);
    return Optional.of(new SyncStatus(Math.min(syncStart.get(), ours), ours, highest));
  }

  /** Fetches and imports the canonical blocks the peer of {@code s} has beyond ours. */
  void syncFrom(Session s) {
    synchronized (syncLock) {
      try {
        long theirs = json.readTree(request(s, "get-status", "").payload()).path("number").asLong();
        s.head = theirs;
        status();
        long from = Math.max(1, chain.head().number() - PeerNetwork.MAX_BLOCKS_PER_REQUEST + 1);
        boolean restarted = false;
        while (from <= theirs && s.conn.isOpen()) {
          String answer =
              request(s, "get-blocks", from + ":" + PeerNetwork.MAX_BLOCKS_PER_REQUEST).payload();
          if (answer.isEmpty()) {
            return;
          }
          String[] blocks = answer.split(",");
          boolean restart = false;
          for (String b : blocks) {
            Block block = Gossip.decodeBlock(b);
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
          from = restart ? 1 : from + blocks.length;
        }
      } catch (InvalidBlockException | IllegalArgumentException e) {
        violation.accept(s, "served an invalid block: " + e.getMessage());
      } catch (IOException | TimeoutException | RuntimeException e) {
        LOG.debug("sync from {} failed: {}", s, e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Answers a {@code get-status} with our canonical head. */
  void serveStatus(Session s, long id) throws IOException {
    ObjectNode o = json.createObjectNode();
    o.put("number", chain.head().number());
    o.put("hash", chain.head().hash().toHexString());
    transport.send(s, me.signed("status", id, json.writeValueAsString(o)));
  }

  /** Answers a {@code get-blocks from:count} with canonical block RLPs, within the limits. */
  void serveBlocks(Session s, Envelope m) {
    String[] range = m.payload().split(":");
    if (range.length != 2) {
      throw new IllegalArgumentException("get-blocks payload must be from:count");
    }
    long from = Long.parseLong(range[0]);
    int count = Math.min(PeerNetwork.MAX_BLOCKS_PER_REQUEST, Integer.parseInt(range[1]));
    StringBuilder out = new StringBuilder();
    for (long n = Math.max(1, from); n < from + count; n++) {
      Optional<Block> b = chain.blockByNumber(n);
      if (b.isEmpty() || out.length() >= PeerNetwork.MAX_REPLY_CHARS) {
        break;
      }
      if (!out.isEmpty()) {
        out.append(',');
      }
      out.append(b.get().rlp().toHexString());
    }
    transport.send(s, me.signed("blocks", m.id(), out.toString()));
  }

  /** Completes the request that answer {@code m} is for; a late or unknown answer is ignored. */
  void answered(Session s, Envelope m) {
    CompletableFuture<Envelope> waiting = s.pending.get(m.id());
    if (waiting != null) {
      waiting.complete(m);
    }
  }

  private Envelope request(Session s, String type, String payload)
      throws IOException, TimeoutException, InterruptedException {
    long id = ids.incrementAndGet();
    CompletableFuture<Envelope> answer = new CompletableFuture<>();
    s.pending.put(id, answer);
    try {
      transport.send(s, me.signed(type, id, payload));
      return answer.get(PeerNetwork.REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      counters.requestTimeouts.increment();
      throw new TimeoutException(
          type + " to " + s + " unanswered after " + PeerNetwork.REQUEST_TIMEOUT);
    } catch (ExecutionException e) {
      throw new IOException(type + " to " + s + " failed: " + e.getCause().getMessage());
    } finally {
      s.pending.remove(id);
    }
  }

  @Override
  public void close() {
    work.shutdownNow();
  }
}
