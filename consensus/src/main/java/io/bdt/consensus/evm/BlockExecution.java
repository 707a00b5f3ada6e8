package io.bdt.consensus.evm;

import io.bdt.consensus.block.LogsBloom;
import io.bdt.consensus.block.Receipt;
import io.bdt.consensus.block.TrieRoot;
import io.bdt.consensus.tx.InvalidTransactionException;
import io.bdt.consensus.tx.SignedTransaction;
import io.horizen.evm.StateDB;
import java.util.ArrayList;
import java.util.List;
import org.apache.tuweni.bytes.Bytes;
import org.apache.tuweni.bytes.Bytes32;

/**
 * The result of running a block's transactions on its parent's state: the transactions included (a
 * miner drops invalid ones, an importer rejects the block), their receipts, gas used, and the
 * committed state root.
 */
public record BlockExecution(
    List<SignedTransaction> transactions, List<Receipt> receipts, long gasUsed, Bytes32 stateRoot) {

  /** Receipts root the header must carry. */
  public Bytes32 receiptsRoot() {
    return TrieRoot.ordered(receipts.stream().map(Receipt::consensusEncoding).toList());
  }

  /** Logs bloom the header must carry. */
  public Bytes logsBloom() {
    return LogsBloom.or(receipts.stream().map(Receipt::bloom).toList());
  }

  /**
   * Runs {@code transactions} in order on the state at {@code parentRoot} and commits.
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
    return states.withState(
        parentRoot,
        (StateDB state) -> {
          List<SignedTransaction> included = new ArrayList<>();
          List<Receipt> receipts = new ArrayList<>();
          long gas = 0;
          for (SignedTransaction tx : transactions) {
            Receipt r;
            try {
              r = TransactionProcessor.apply(state, tx, included.size(), env, gas);
            } catch (InvalidTransactionException e) {
              if (strict) {
                throw new InvalidTransactionException(
                    "transaction "
                        + tx.hash()
                        + " at index "
                        + included.size()
                        + ": "
                        + e.getMessage());
              }
              rejected.add(tx);
              continue;
            }
            included.add(tx);
            receipts.add(r);
            gas = r.cumulativeGasUsed();
          }
          Bytes32 root = Bytes32.wrap(state.commit().toBytes());
          return new BlockExecution(included, receipts, gas, root);
        });
  }
}
