package io.bdt.consensus.chain;

import io.bdt.consensus.block.BlockHeader;
import io.bdt.consensus.evm.BlockEnvironment;
import io.bdt.consensus.evm.TransactionProcessor;
import io.bdt.consensus.tx.InvalidTransactionException;
import io.bdt.consensus.tx.SignedTransaction;
import io.horizen.evm.Address;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
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
  private final List<Consumer<SignedTransaction>> listeners = new CopyOnWriteArrayList<>();

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
    SignedTransaction waiting = queue.get(tx.nonce());
    if (waiting != null) {
      // as geth: replacing a waiting transaction takes a 10% higher fee cap
      BigInteger needed =
          waiting
              .fee()
              .maxPricePerGas()
              .multiply(BigInteger.valueOf(110))
              .divide(BigInteger.valueOf(100));
      if (tx.fee().maxPricePerGas().compareTo(needed) < 0) {
        throw new InvalidTransactionException(
            "transaction: replacement transaction underpriced (fee cap must be >= " + needed + ")");
      }
    }
    SignedTransaction replaced = queue.put(tx.nonce(), tx);
    if (replaced != null) {
      byHash.remove(replaced.hash());
    }
    byHash.put(tx.hash(), tx);
  }

  /**
   * Admits {@code tx} from a client or peer: it must be valid on the head state except for a nonce
   * gap or a fee below the current base fee, which later blocks may close.
   *
   * @throws InvalidTransactionException naming the rule broken
   */
  public void admit(SignedTransaction tx, Blockchain chain) {
    BlockHeader head = chain.head();
    BlockEnvironment env = chain.environment(head);
    HeadAccount account = headAccount(chain, head, tx.sender());
    try {
      TransactionProcessor.check(
          tx, env, chain.spec().gasLimit(), account.nonce(), account.balance(), account::balance);
    } catch (InvalidTransactionException e) {
      if (!e.mayBecomeValid() && !e.getMessage().contains("base fee")) {
        throw e;
      }
    }
    add(tx, account.nonce());
    listeners.forEach(l -> l.accept(tx));
  }

  /** A sender's nonce and balance (wei) in the head state. */
  private record HeadAccount(long nonce, BigInteger balance) {}

  /**
   * The sender's account at {@code head}, read through libevm once per sender and head: a burst of
   * one sender's transactions then needs no state access (nor the state lock) to be admitted.
   */
  private HeadAccount headAccount(Blockchain chain, BlockHeader head, Bytes sender) {
    HeadAccounts cache = headAccounts;
    if (!cache.root().equals(head.stateRoot())) {
      cache = new HeadAccounts(head.stateRoot(), new ConcurrentHashMap<>());
      headAccounts = cache;
    }
    HeadAccount known = cache.accounts().get(sender);
    if (known != null) {
      return known;
    }
    HeadAccount read =
        chain
            .states()
            .withState(
                head.stateRoot(),
                s -> {
                  Address a = new Address(sender.toArrayUnsafe());
                  return new HeadAccount(s.getNonce(a).longValueExact(), s.getBalance(a));
                });
    if (cache.accounts().size() < HEAD_ACCOUNTS) {
      cache.accounts().put(sender, read);
    }
    return read;
  }

  private record HeadAccounts(Bytes32 root, Map<Bytes, HeadAccount> accounts) {}

  /** Most senders whose head accounts are kept (the cache starts empty at every new head). */
  private static final int HEAD_ACCOUNTS = 100_000;

  private volatile HeadAccounts headAccounts =
      new HeadAccounts(Bytes32.ZERO, new ConcurrentHashMap<>());

  /** Calls {@code listener} with every transaction admitted through {@link #admit}. */
  public void onAdmitted(Consumer<SignedTransaction> listener) {
    listeners.add(listener);
  }

  /** Puts back a transaction of a block that left the canonical chain (no checks, no gossip). */
  public void readmit(SignedTransaction tx) {
    try {
      add(tx, 0);
    } catch (InvalidTransactionException e) {
      // already waiting, or the pool is full: nothing to restore
    }
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

  /**
   * The nonce after {@code sender}'s run of waiting transactions that continue {@code stateNonce}
   * without a gap (eth_getTransactionCount "pending", as geth's pool nonce).
   */
  public synchronized long nextNonce(Bytes sender, long stateNonce) {
    TreeMap<Long, SignedTransaction> q = bySender.get(sender);
    long next = stateNonce;
    while (q != null && q.containsKey(next)) {
      next++;
    }
    return next;
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
