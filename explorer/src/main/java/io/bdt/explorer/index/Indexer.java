package io.bdt.explorer.index;

import com.fasterxml.jackson.databind.JsonNode;
import io.bdt.explorer.node.NodeRpc;
import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Follows a node's canonical chain into the {@link IndexStore}: each {@link #step} first checks
 * that the stored tip is still canonical (else walks back to the last common block and deletes the
 * rest: a reorganisation), then stores up to {@code batch} new blocks with their receipts.
 */
public final class Indexer {

  private final NodeRpc node;
  private final IndexStore store;
  private final int batch;
  private final Consumer<Reorg> onReorg;
  private volatile long head = -1;
  private volatile long reorgs;
  private volatile boolean blockReceipts = true;

  /** JSON-RPC's "method not found". */
  static final int METHOD_NOT_FOUND = -32601;

  /** A reorganisation: blocks from {@code from} up to {@code oldTip} were replaced. */
  public record Reorg(long from, long oldTip) {}

  public Indexer(NodeRpc node, IndexStore store, int batch, Consumer<Reorg> onReorg) {
    if (batch < 1) {
      throw new IllegalArgumentException("batch: must be >= 1, was " + batch);
    }
    this.node = node;
    this.store = store;
    this.batch = batch;
    this.onReorg = onReorg;
  }

  /** The node's head at the last step (-1 before the first). */
  public long nodeHead() {
    return head;
  }

  /** Reorganisations seen so far. */
  public long reorgs() {
    return reorgs;
  }

  /** Runs steps until the index holds the node's head; returns the blocks stored. */
  public long catchUp() throws IOException, SQLException {
    long stored = 0;
    int n;
    while ((n = step()) > 0) {
      stored += n;
    }
    return stored;
  }

  /** One step: reorg check, then up to {@code batch} blocks; returns how many were stored. */
  public int step() throws IOException, SQLException {
    head = node.blockNumber();
    long next = rewindToCanonical();
    if (next > head) {
      return 0;
    }
    long last = Math.min(head, next + batch - 1);
    List<NodeRpc.Call> calls = new ArrayList<>();
    for (long n = next; n <= last; n++) {
      calls.add(new NodeRpc.Call("eth_getBlockByNumber", NodeRpc.hex(n), true));
    }
    List<JsonNode> blocks = new ArrayList<>();
    for (JsonNode b : node.batch(calls)) {
      if (b.isNull() || b.isMissingNode()) {
        break; // the head moved back meanwhile; the next step's check handles it
      }
      blocks.add(b);
    }
    if (blocks.isEmpty()) {
      return 0;
    }
    // the first block must extend the stored tip; later ones each other
    Optional<String> parent = next == 0 ? Optional.empty() : store.hashAt(next - 1);
    for (int i = 0; i < blocks.size(); i++) {
      String expected =
          i == 0 ? parent.orElse(null) : blocks.get(i - 1).path("hash").asText().toLowerCase();
      if (expected != null
          && !expected.equals(blocks.get(i).path("parentHash").asText().toLowerCase())) {
        blocks = blocks.subList(0, i); // the chain changed under the batch: store the prefix
        break;
      }
    }
    if (blocks.isEmpty()) {
      return 0;
    }
    store.store(blocks, receipts(blocks));
    return blocks.size();
  }

  /**
   * The receipts of {@code blocks}, one list per block in transaction order: one {@code
   * eth_getBlockReceipts} per block (geth, Besu, Erigon and B-DT nodes answer it), else, on a node
   * without it, one {@code eth_getTransactionReceipt} per transaction.
   */
  private List<List<JsonNode>> receipts(List<JsonNode> blocks) throws IOException {
    if (blockReceipts) {
      List<NodeRpc.Call> calls = new ArrayList<>();
      for (JsonNode b : blocks) {
        calls.add(new NodeRpc.Call("eth_getBlockReceipts", b.path("hash").asText()));
      }
      try {
        List<JsonNode> answers = node.batch(calls);
        List<List<JsonNode>> out = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
          List<JsonNode> own = new ArrayList<>();
          answers.get(i).forEach(own::add);
          out.add(matching(blocks.get(i), own));
        }
        return out;
      } catch (NodeRpc.RpcError e) {
        if (e.code() != METHOD_NOT_FOUND) {
          throw e;
        }
        blockReceipts = false; // an older node: per transaction from now on
      }
    }
    List<NodeRpc.Call> calls = new ArrayList<>();
    for (JsonNode b : blocks) {
      for (JsonNode tx : b.path("transactions")) {
        calls.add(new NodeRpc.Call("eth_getTransactionReceipt", tx.path("hash").asText()));
      }
    }
    List<JsonNode> all = node.batch(calls);
    List<List<JsonNode>> out = new ArrayList<>();
    int k = 0;
    for (JsonNode b : blocks) {
      int n = b.path("transactions").size();
      out.add(matching(b, all.subList(k, k + n)));
      k += n;
    }
    return out;
  }

  /** {@code receipts} if they are block {@code b}'s, one per transaction in order; else throws. */
  private static List<JsonNode> matching(JsonNode b, List<JsonNode> receipts) throws IOException {
    JsonNode txs = b.path("transactions");
    if (receipts.size() != txs.size()) {
      throw new IOException(
          "node gave "
              + receipts.size()
              + " receipts for the "
              + txs.size()
              + " transactions of block "
              + b.path("hash").asText());
    }
    for (int i = 0; i < txs.size(); i++) {
      JsonNode r = receipts.get(i);
      String hash = txs.get(i).path("hash").asText();
      if (r == null || r.isNull() || !hash.equalsIgnoreCase(r.path("transactionHash").asText())) {
        throw new IOException("node has no receipt for " + hash + " (the chain moved meanwhile?)");
      }
    }
    return receipts;
  }

  /** Deletes stored blocks the node no longer has on its canonical chain; the next to fetch. */
  private long rewindToCanonical() throws IOException, SQLException {
    Optional<IndexStore.Tip> tip = store.tip();
    if (tip.isEmpty()) {
      return 0;
    }
    long n = tip.get().number();
    long oldTip = n;
    while (n >= 0) {
      Optional<String> stored = store.hashAt(n);
      JsonNode canonical =
          n <= head ? node.call("eth_getBlockByNumber", NodeRpc.hex(n), false) : null;
      if (stored.isPresent()
          && canonical != null
          && !canonical.isNull()
          && stored.get().equals(canonical.path("hash").asText().toLowerCase())) {
        break;
      }
      n--;
    }
    if (n < oldTip) {
      store.deleteFrom(n + 1);
      reorgs++;
      onReorg.accept(new Reorg(n + 1, oldTip));
    }
    return n + 1;
  }
}
