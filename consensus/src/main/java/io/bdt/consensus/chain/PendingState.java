package io.bdt.consensus.chain;

import io.bdt.consensus.block.BlockHeader;
import io.bdt.consensus.evm.BlockEnvironment;
import io.bdt.consensus.evm.KnownSenders;
import io.bdt.consensus.evm.TransactionProcessor;
import io.bdt.consensus.tx.InvalidTransactionException;
import io.bdt.consensus.tx.SignedTransaction;
import io.horizen.evm.StateDB;
import java.time.Clock;
import java.util.function.BiFunction;
import org.apache.tuweni.bytes.Bytes32;

/**
 * The {@code pending} block tag as geth has it: the head state with the transactions the next block
 * would take from the pool (in block order, up to its gas limit, invalid ones skipped) applied, in
 * the environment of that next block (number head + 1, the successor base fee). Built per query and
 * discarded; it costs one block's execution.
 */
public final class PendingState {
  private final Blockchain chain;
  private final TransactionPool pool;
  private final Clock clock;

  public PendingState(Blockchain chain, TransactionPool pool, Clock clock) {
    this.chain = chain;
    this.pool = pool;
    this.clock = clock;
  }

  /** The header of the next block as far as the EVM sees it (roots and seal not yet known). */
  public BlockHeader nextHeader() {
    BlockHeader head = chain.head();
    return new BlockHeader(
        head.hash(),
        head.miner(),
        Bytes32.ZERO,
        Bytes32.ZERO,
        Bytes32.ZERO,
        org.apache.tuweni.bytes.Bytes.wrap(new byte[256]),
        head.difficulty(),
        head.number() + 1,
        chain.spec().gasLimit(),
        0,
        Math.max(clock.millis() / 1000, head.timestamp()),
        org.apache.tuweni.bytes.Bytes.EMPTY,
        Bytes32.ZERO,
        0,
        BaseFee.next(head));
  }

  /**
   * Runs {@code read} on the pending state, with the pending block's environment. The pending block
   * is built on a state snapshot of its own, so it never holds up block import or mining.
   */
  public <T> T read(BiFunction<StateDB, BlockEnvironment, T> read) {
    BlockHeader next = nextHeader();
    BlockEnvironment env = chain.environment(next);
    return chain
        .states()
        .snapshot(
            chain.head().stateRoot(),
            s -> {
              KnownSenders known = new KnownSenders();
              long gas = 0;
              int index = 0;
              for (SignedTransaction tx : pool.pending(BlockProducer.MAX_TRANSACTIONS)) {
                try {
                  gas =
                      TransactionProcessor.apply(s, tx, index, env, gas, known).cumulativeGasUsed();
                  index++;
                } catch (InvalidTransactionException e) {
                  // as the miner: a transaction that cannot run now is left out of the pending
                  // block
                }
              }
              return read.apply(s, env);
            });
  }
}
