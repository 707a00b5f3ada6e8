package io.bdt.consensus.evm;

import io.bdt.consensus.block.LogsBloom;
import io.bdt.consensus.block.Receipt;
import io.bdt.consensus.block.TrieRoot;
import io.bdt.consensus.tx.InvalidTransactionException;
import io.bdt.consensus.tx.SignedTransaction;
import java.util.ArrayList;
import java.util.List;
import org.apache.tuweni.bytes.Bytes;
import org.apache.tuweni.bytes.Bytes32;

/**
 * The result of running a block's transactions on its parent's state: the transactions included (a
 * miner drops invalid ones, an importer rejects the block), their receipts, gas used, the committed
 * state root, and the receipts root and logs bloom the header must carry (computed once, here).
 */
public record BlockExecution(
    List<SignedTransaction> transactions,
    List<Receipt> receipts,
    long gasUsed,
    Bytes32 stateRoot,
    Bytes32 receiptsRoot,
    Bytes logsBloom) {

  /** An execution result with its receipts root and logs bloom computed from {@code receipts}. */
  public static BlockExecution of(
      List<SignedTransaction> transactions, List<Receipt> receipts, long gasUsed, Bytes32 root) {
    return new BlockExecution(
        transactions,
        receipts,
        gasUsed,
        root,
        TrieRoot.ordered(receipts.stream().map(Receipt::consensusEncoding).toList()),
        LogsBloom.or(receipts.stream().map(Receipt::bloom).toList()));
  }

  /**
   * Runs {@code transactions} in order on the state at {@code parentRoot} and commits. One state
   * handle serves the whole block; the store's lock is taken per transaction, so RPC reads are not
   * held up for a whole block.
   *
   * @param strict true when importing (any invalid transaction rejects the block); false when
   *     building a block (invalid transactions are skipped and reported to {@code rejected})
   */
  public static BlockExecution run(
      StateStore states,
      Bytes32 parentRoot,
      List<SignedTransaction> transactions,
      BlockEnvironment env,
      boolean strict,
      List<SignedTransaction> rejected) {
    try (StateStore.OpenState state = states.open(parentRoot)) {
      KnownSenders known = new KnownSenders();
      List<SignedTransaction> included = new ArrayList<>();
      List<Receipt> receipts = new ArrayList<>();
      long gas = 0;
      for (SignedTransaction tx : transactions) {
        Receipt r;
        int index = included.size();
        long gasBefore = gas;
        try {
          r = state.step(s -> TransactionProcessor.apply(s, tx, index, env, gasBefore, known));
        } catch (InvalidTransactionException e) {
          if (strict) {
            throw new InvalidTransactionException(
                "transaction " + tx.hash() + " at index " + index + ": " + e.getMessage());
          }
          rejected.add(tx);
          continue;
        }
        included.add(tx);
        receipts.add(r);
        gas = r.cumulativeGasUsed();
      }
      Bytes32 root = state.step(s -> Bytes32.wrap(s.commit().toBytes()));
      return of(included, receipts, gas, root);
    }
  }
}
