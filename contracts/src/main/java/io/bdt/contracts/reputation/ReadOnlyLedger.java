package io.bdt.contracts.reputation;

import io.bdt.contracts.generated.ReputationLedger;
import org.web3j.protocol.Web3j;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;

/**
 * The read-only handle on a deployed ReputationLedger that every reader of its state takes (the
 * slot clock, the current reputation): calls only, from the zero address, so no key is needed and a
 * transaction through it fails before it reaches the node.
 */
public final class ReadOnlyLedger {

  /** The caller a read-only handle names: calls need none, and this one can sign nothing. */
  static final String CALLER = "0x0000000000000000000000000000000000000000";

  private ReadOnlyLedger() {}

  /** The ledger at {@code address}, read through {@code web3j}. */
  public static ReputationLedger of(Web3j web3j, String address) {
    return ReputationLedger.load(
        address, web3j, new ReadonlyTransactionManager(web3j, CALLER), new DefaultGasProvider());
  }
}
