package io.bdt.consensus.chain;

import io.bdt.consensus.block.Block;
import io.bdt.consensus.block.BlockHeader;
import io.bdt.consensus.block.Receipt;
import io.bdt.consensus.evm.BlockEnvironment;
import io.bdt.consensus.evm.BlockExecution;
import io.bdt.consensus.evm.StateStore;
import io.bdt.consensus.pow.ReputationSource;
import io.bdt.consensus.store.ChainStore;
import io.bdt.consensus.tx.InvalidTransactionException;
import io.bdt.consensus.validation.BlockValidator;
import io.bdt.consensus.validation.InvalidBlockException;
import java.math.BigInteger;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.tuweni.bytes.Bytes32;

/**
 * The chain: imports blocks (validate, re-execute on the parent's state, store) and keeps the
 * canonical chain by the fork-choice rule <em>most blocks wins, ties keep the current head</em>.
 * Reputation lowers an AP's difficulty, so chain length, not summed difficulty, is what reputation
 * weights (see docs/consensus.md). A reorganisation rewrites the canonical indexes in the same
 * batch as the block, and the state of the new head is the one its own import committed. Whoever
 * finds a block through the canonical indexes ({@link #transaction}, {@link #canonicalHash}) finds
 * the head at that block or a later one.
 */
public final class Blockchain {
  /** What importing a block did. */
  public enum ImportResult {
    /** The block is the new head. */
    NEW_HEAD,
    /** Stored on a side branch (not longer than the canonical chain). */
    SIDE_BRANCH,
    /** Already stored. */
    ALREADY_KNOWN
  }

  private final ChainSpec spec;
  private final ChainStore store;
  private final StateStore states;
  private final ReputationSource reputation;
  private final BlockValidator validator;
  private final List<Consumer<Block>> headListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<List<Block>>> reorgListeners = new CopyOnWriteArrayList<>();
  private volatile BlockHeader head;
  // The store makes a block's canonical indexes (its number, its transactions) readable when the
  // import writes them, a moment before the head moves to the block. Readers of those indexes hold
  // the read side and an import holds the write side across both steps, so whoever finds a block
  // there finds the head (what "latest" reads) at that block or a later one.
  private final ReadWriteLock publication = new ReentrantReadWriteLock();
  private volatile Consumer<Block> headWritten = b -> {};

  public Blockchain(
      ChainSpec spec,
      ChainStore store,
      StateStore states,
      ReputationSource reputation,
      Clock clock) {
    this.spec = spec;
    this.store = store;
    this.states = states;
    this.reputation = reputation;
    this.validator = BlockValidator.forSpec(spec, reputation, clock);
    Optional<Bytes32> stored = store.head();
    if (stored.isPresent()) {
      this.head = store.header(stored.get()).orElseThrow();
      Block genesis = spec.genesisBlock(states);
      Bytes32 storedGenesis = store.canonicalHash(0).orElseThrow();
      if (!genesis.hash().equals(storedGenesis)) {
        throw new IllegalStateException(
            "the data directory holds a chain with another genesis (" + storedGenesis + ")");
      }
    } else {
      Block genesis = spec.genesisBlock(states);
      store.put(
          genesis,
          List.of(),
          genesis.header().difficulty(),
          Optional.of(new ChainStore.CanonicalChange(List.of(), List.of(genesis), genesis.hash())));
      this.head = genesis.header();
    }
  }

  /** The genesis file this chain runs. */
  public ChainSpec spec() {
    return spec;
  }

  /** Where reputation is read. */
  public ReputationSource reputation() {
    return reputation;
  }

  /** The block store. */
  public ChainStore store() {
    return store;
  }

  /** The world state store. */
  public StateStore states() {
    return states;
  }

  /** The canonical head. */
  public BlockHeader head() {
    return head;
  }

  /** Calls {@code listener} with every new head block, after it is stored. */
  public void onNewHead(Consumer<Block> listener) {
    headListeners.add(listener);
  }

  /** Calls {@code listener} with the blocks that left the canonical chain in a reorganisation. */
  public void onReorg(Consumer<List<Block>> listener) {
    reorgListeners.add(listener);
  }

  /**
   * For tests: calls {@code hook} on the importing thread after a new head block is written to the
   * store and before the head moves to it.
   */
  void onHeadWritten(Consumer<Block> hook) {
    headWritten = hook;
  }

  /** The environment a block with {@code header} executes in. */
  public BlockEnvironment environment(BlockHeader header) {
    return new BlockEnvironment(
        spec.chainId(),
        header.miner(),
        header.gasLimit(),
        header.number(),
        header.timestamp(),
        header.baseFee(),
        n -> ancestorHash(header.parentHash(), header.number(), n));
  }

  /** BLOCKHASH: hash of ancestor {@code n} of the block at {@code number}, within 256 blocks. */
  private Bytes32 ancestorHash(Bytes32 parentHash, long number, long n) {
    if (n >= number || n < number - 256 || n < 0) {
      return Bytes32.ZERO;
    }
    Bytes32 h = parentHash;
    for (long k = number - 1; k > n; k--) {
      Optional<BlockHeader> hdr = store.header(h);
      if (hdr.isEmpty()) {
        return Bytes32.ZERO;
      }
      h = hdr.get().parentHash();
    }
    return h;
  }

  /**
   * Validates, re-executes and stores {@code block}, moving the head if the block makes a longer
   * chain.
   *
   * @throws InvalidBlockException naming the rule broken (including unknown parent and invalid
   *     transactions)
   */
  public ImportResult importBlock(Block block) {
    return importBlock(block, Optional.empty());
  }

  /**
   * Imports a block this node just built, reusing the execution that built it instead of running
   * the transactions again; every rule is still checked.
   */
  public ImportResult importOwnBlock(Block block, BlockExecution execution) {
    return importBlock(block, Optional.of(execution));
  }

  private synchronized ImportResult importBlock(Block block, Optional<BlockExecution> built) {
    Bytes32 hash = block.hash();
    if (store.header(hash).isPresent()) {
      return ImportResult.ALREADY_KNOWN;
    }
    BlockHeader parent =
        store
            .header(block.header().parentHash())
            .orElseThrow(
                () ->
                    new InvalidBlockException(
                        "parent: unknown parent " + block.header().parentHash()));
    validator.checkBeforeExecution(block, parent);
    BlockExecution execution;
    try {
      execution =
          built.isPresent()
              ? built.get()
              : BlockExecution.run(
                  states,
                  parent.stateRoot(),
                  block.transactions(),
                  environment(block.header()),
                  true,
                  new ArrayList<>());
    } catch (InvalidTransactionException e) {
      throw new InvalidBlockException("transactions: " + e.getMessage());
    }
    validator.checkExecution(block, execution);
    BigInteger td =
        store.totalDifficulty(parent.hash()).orElseThrow().add(block.header().difficulty());
    if (block.header().number() <= head.number()) {
      store.put(block, execution.receipts(), td, Optional.empty());
      return ImportResult.SIDE_BRANCH;
    }
    ChainStore.CanonicalChange change = canonicalChange(block);
    publication.writeLock().lock();
    try {
      store.put(block, execution.receipts(), td, Optional.of(change));
      headWritten.accept(block);
      head = block.header();
    } finally {
      publication.writeLock().unlock();
    }
    if (!change.removed().isEmpty()) {
      reorgListeners.forEach(l -> l.accept(change.removed()));
    }
    headListeners.forEach(l -> l.accept(block));
    return ImportResult.NEW_HEAD;
  }

  private ChainStore.CanonicalChange canonicalChange(Block newHead) {
    List<Block> added = new ArrayList<>();
    added.add(newHead);
    Bytes32 h = newHead.header().parentHash();
    long n = newHead.header().number() - 1;
    while (!store.canonicalHash(n).map(h::equals).orElse(false)) {
      Block b = store.block(h).orElseThrow();
      added.add(b);
      h = b.header().parentHash();
      n--;
    }
    Collections.reverse(added);
    long forkPoint = n;
    List<Block> removed = new ArrayList<>();
    for (long k = forkPoint + 1; k <= head.number(); k++) {
      store.canonicalHash(k).flatMap(store::block).ifPresent(removed::add);
    }
    return new ChainStore.CanonicalChange(removed, added, newHead.hash());
  }

  /** The canonical block at {@code number}. */
  public Optional<Block> blockByNumber(long number) {
    return canonicalHash(number).flatMap(store::block);
  }

  /**
   * The hash of the canonical block at {@code number}: a block on the chain that ends at {@link
   * #head}, never one whose import has written it but not yet made it the head.
   */
  public Optional<Bytes32> canonicalHash(long number) {
    return published(() -> store.canonicalHash(number));
  }

  /**
   * Where canonical transaction {@code txHash} is: in a block on the chain that ends at {@link
   * #head}, never in one whose import has written it but not yet made it the head, so a client that
   * has the transaction's receipt reads its effects at {@code latest}.
   */
  public Optional<ChainStore.TxLocation> transaction(Bytes32 txHash) {
    return published(() -> store.transaction(txHash));
  }

  private <T> T published(Supplier<T> read) {
    publication.readLock().lock();
    try {
      return read.get();
    } finally {
      publication.readLock().unlock();
    }
  }

  /** Receipts of block {@code hash}. */
  public List<Receipt> receipts(Bytes32 hash) {
    return store.receipts(hash);
  }
}
