package io.bdt.consensus.evm;

import io.horizen.evm.Address;
import io.horizen.evm.StateDB;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.Map;
import org.apache.tuweni.bytes.Bytes;

/**
 * What one block's execution already knows of its transactions' senders, so that only a sender's
 * first transaction reads its account through libevm: the exact nonce (an externally owned
 * account's nonce changes only through its own transactions) and a lower bound on the balance in
 * wei (its balance falls only through its own transactions' gas and value; other transactions can
 * only add to it). A transaction costing more than the bound reads the real balance. Contract
 * creations forget their sender, so the next transaction reads it again.
 */
public final class KnownSenders {
  /** A sender's nonce and a balance it has at least (wei). */
  public record Account(long nonce, BigInteger balanceAtLeast) {}

  private final Map<Bytes, Account> accounts = new HashMap<>();

  /** The sender's account, read from {@code state} the first time. */
  Account account(StateDB state, Bytes sender) {
    Account known = accounts.get(sender);
    if (known == null) {
      Address a = new Address(sender.toArrayUnsafe());
      known = new Account(state.getNonce(a).longValueExact(), state.getBalance(a));
      accounts.put(sender, known);
    }
    return known;
  }

  /** Reads the sender's exact balance again (the bound was too low for a transaction). */
  BigInteger exactBalance(StateDB state, Bytes sender) {
    BigInteger balance = state.getBalance(new Address(sender.toArrayUnsafe()));
    Account known = accounts.get(sender);
    if (known != null) {
      accounts.put(sender, new Account(known.nonce(), balance));
    }
    return balance;
  }

  /**
   * Records an applied transaction of {@code sender}: the nonce it moved to and the most it can
   * have cost the sender (gas paid plus value).
   */
  void applied(Bytes sender, long nextNonce, BigInteger maxCost) {
    Account known = accounts.get(sender);
    if (known != null) {
      accounts.put(sender, new Account(nextNonce, known.balanceAtLeast().subtract(maxCost)));
    }
  }

  /** Forgets {@code sender}, so its next transaction reads the state. */
  void forget(Bytes sender) {
    accounts.remove(sender);
  }
}
