package io.bdt.consensus.chain;

import io.bdt.consensus.tx.InvalidTransactionException;
import io.bdt.consensus.tx.SignedTransaction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.tuweni.bytes.Bytes;
import org.apache.tuweni.bytes.Bytes32;

/**
 * Transactions waiting for a block, by sender and nonce. Senders are served in order of their first
 * waiting transaction; a sender's transactions go in nonce order.
 */
public final class TransactionPool {
  private final long chainId;
  private final int capacity;
  private final Map<Bytes, TreeMap<Long, SignedTransaction>> bySender = new LinkedHashMap<>();
  private final Map<Bytes32, SignedTransaction> byHash = new LinkedHashMap<>();

  public TransactionPool(long chainId, int capacity) {
    this.chainId = chainId;
    this.capacity = capacity;
  }

  /**
   * Adds {@code tx} if it could become valid: right chain, nonce not below {@code stateNonce}.
   *
   * @throws InvalidTransactionException naming the rule broken
   */
  public synchronized void add(SignedTransaction tx, long stateNonce) {
    if (tx.chainId() != chainId) {
      throw new InvalidTransactionException(
          "transaction.chainId: expected " + chainId + ", got " + tx.chainId());
    }
    if (tx.nonce() < stateNonce) {
      throw new InvalidTransactionException(
          "transaction.nonce: nonce too low (expected >= "
              + stateNonce
              + ", got "
              + tx.nonce()
              + ")");
    }
    if (byHash.containsKey(tx.hash())) {
      throw new InvalidTransactionException("transaction: already known");
    }
    if (byHash.size() >= capacity) {
      throw new InvalidTransactionException("transaction pool is full (" + capacity + ")");
    }
    TreeMap<Long, SignedTransaction> queue =
        bySender.computeIfAbsent(tx.sender(), s -> new TreeMap<>());
    SignedTransaction replaced = queue.put(tx.nonce(), tx);
    if (replaced != null) {
      byHash.remove(replaced.hash());
    }
    byHash.put(tx.hash(), tx);
  }

  /** A waiting transaction by hash. */
  public synchronized Optional<SignedTransaction> get(Bytes32 hash) {
    return Optional.ofNullable(byHash.get(hash));
  }

  /** Number of waiting transactions. */
  public synchronized int size() {
    return byHash.size();
  }

  /** Up to {@code max} transactions in block order. */
  public synchronized List<SignedTransaction> pending(int max) {
    List<SignedTransaction> out = new ArrayList<>();
    for (TreeMap<Long, SignedTransaction> q : bySender.values()) {
      for (SignedTransaction tx : q.values()) {
        if (out.size() >= max) {
          return out;
        }
        out.add(tx);
      }
    }
    return out;
  }

  /** The highest waiting nonce of {@code sender}, for eth_getTransactionCount("pending"). */
  public synchronized Optional<Long> highestNonce(Bytes sender) {
    TreeMap<Long, SignedTransaction> q = bySender.get(sender);
    return q == null || q.isEmpty() ? Optional.empty() : Optional.of(q.lastKey());
  }

  /** Drops transactions whose nonce is below the sender's nonce in the new head state. */
  public synchronized void prune(Function<Bytes, Long> stateNonce) {
    var it = bySender.entrySet().iterator();
    while (it.hasNext()) {
      var e = it.next();
      long nonce = stateNonce.apply(e.getKey());
      var stale = e.getValue().headMap(nonce, false);
      stale.values().forEach(tx -> byHash.remove(tx.hash()));
      stale.clear();
      if (e.getValue().isEmpty()) {
        it.remove();
      }
    }
  }

  /** Removes {@code tx} (it can never become valid). */
  public synchronized void remove(SignedTransaction tx) {
    byHash.remove(tx.hash());
    TreeMap<Long, SignedTransaction> q = bySender.get(tx.sender());
    if (q != null) {
      q.remove(tx.nonce(), tx);
      if (q.isEmpty()) {
        bySender.remove(tx.sender());
      }
    }
  }
}
