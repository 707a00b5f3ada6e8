package io.bdt.consensus.chain;

import io.bdt.consensus.block.Block;
import io.bdt.consensus.block.BlockHeader;
import io.bdt.consensus.evm.BlockExecution;
import io.bdt.consensus.evm.TransactionProcessor;
import io.bdt.consensus.pow.Miner;
import io.bdt.consensus.pow.Seal;
import io.bdt.consensus.tx.InvalidTransactionException;
import io.bdt.consensus.tx.SignedTransaction;
import java.math.BigInteger;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import org.apache.tuweni.bytes.Bytes;
import org.apache.tuweni.bytes.Bytes32;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;

/**
 * Builds, mines and seals blocks for one AP: takes waiting transactions, executes them on the head
 * state, searches the PoW at the AP's reputation-adjusted difficulty, signs the header and imports
 * the block.
 */
public final class BlockProducer {
  /** Most transactions tried per block. */
  public static final int MAX_TRANSACTIONS = 5_000;

  private final Blockchain chain;
  private final TransactionPool pool;
  private final Miner miner;
  private final ECKeyPair key;
  private final Bytes address;
  private final Clock clock;

  public BlockProducer(
      Blockchain chain, TransactionPool pool, Miner miner, ECKeyPair key, Clock clock) {
    this.chain = chain;
    this.pool = pool;
    this.miner = miner;
    this.key = key;
    this.address = Bytes.fromHexString(Keys.getAddress(key));
    this.clock = clock;
  }

  /** This AP's address. */
  public Bytes address() {
    return address;
  }

  /**
   * Whether this AP is in the chain's miner set at {@code parent} (a genesis AP, or registered in
   * the ReputationLedger there), so a block it mines on {@code parent} is valid.
   */
  public boolean mayMineOn(BlockHeader parent) {
    return chain.reputation().inMinerSetAt(address, parent);
  }

  /** The PoW search. */
  public Miner miner() {
    return miner;
  }

  /** A mined block with the execution that built it. */
  public record Mined(Block block, BlockExecution execution) {}

  /**
   * Mines one block on the current head with waiting transactions and imports it. Returns empty if
   * {@code stop} or a new head (from another miner) ended the search first.
   */
  public Optional<Block> mineOne(BooleanSupplier stop) {
    BlockHeader parent = chain.head();
    Bytes32 parentHash = parent.hash();
    List<SignedTransaction> rejected = new ArrayList<>();
    Optional<Mined> mined =
        mineOn(
            parent,
            pool.pending(MAX_TRANSACTIONS),
            rejected,
            () -> stop.getAsBoolean() || !chain.head().hash().equals(parentHash));
    for (SignedTransaction tx : rejected) {
      if (!mayBecomeValid(tx)) {
        pool.remove(tx);
      }
    }
    if (mined.isEmpty()) {
      return Optional.empty();
    }
    chain.importOwnBlock(mined.get().block(), mined.get().execution());
    return Optional.of(mined.get().block());
  }

  /**
   * Builds and mines a block on {@code parent} (any stored block) holding the valid ones of {@code
   * transactions}; invalid ones go to {@code rejected}. The block is not imported.
   */
  public Optional<Mined> mineOn(
      BlockHeader parent,
      List<SignedTransaction> transactions,
      List<SignedTransaction> rejected,
      BooleanSupplier stop) {
    if (!mayMineOn(parent)) {
      throw new IllegalStateException(
          "miner key "
              + address
              + " is not in the chain's miner set at block "
              + parent.number()
              + ": neither a genesis AP nor registered in the ReputationLedger");
    }
    BigInteger difficulty =
        chain.spec().difficultyRule().forReputation(chain.reputation().reputation(address, parent));
    long timestamp = Math.max(clock.millis() / 1000, parent.timestamp());
    BlockHeader env =
        new BlockHeader(
            parent.hash(),
            address,
            Bytes32.ZERO,
            Bytes32.ZERO,
            Bytes32.ZERO,
            Bytes.wrap(new byte[256]),
            difficulty,
            parent.number() + 1,
            chain.spec().gasLimit(),
            0,
            timestamp,
            Bytes.EMPTY,
            Bytes32.ZERO,
            0,
            BaseFee.next(parent));
    BlockExecution execution =
        BlockExecution.run(
            chain.states(),
            parent.stateRoot(),
            transactions,
            chain.environment(env),
            false,
            rejected);
    BlockHeader template =
        new BlockHeader(
            env.parentHash(),
            address,
            execution.stateRoot(),
            Block.transactionsRoot(execution.transactions()),
            execution.receiptsRoot(),
            execution.logsBloom(),
            difficulty,
            env.number(),
            env.gasLimit(),
            execution.gasUsed(),
            timestamp,
            Bytes.EMPTY,
            Bytes32.ZERO,
            0,
            env.baseFee());
    return seal(template, stop)
        .map(h -> new Mined(new Block(h, execution.transactions()), execution));
  }

  /** Solves the PoW of {@code template} at its difficulty and signs it with this AP's key. */
  public Optional<BlockHeader> seal(BlockHeader template, BooleanSupplier stop) {
    Optional<Miner.Solution> solution =
        miner.solve(
            template.powHash(),
            template.difficulty(),
            ThreadLocalRandom.current().nextLong() >>> 1,
            stop);
    return solution.map(
        s -> Seal.sign(template.withPow(s.nonce(), s.digest()).withExtraData(Bytes.EMPTY), key));
  }

  private boolean mayBecomeValid(SignedTransaction tx) {
    BlockHeader head = chain.head();
    try {
      chain
          .states()
          .withState(
              head.stateRoot(),
              s -> {
                TransactionProcessor.check(s, tx, chain.environment(head), Long.MAX_VALUE);
                return null;
              });
      return true;
    } catch (InvalidTransactionException e) {
      return e.mayBecomeValid();
    }
  }
}
