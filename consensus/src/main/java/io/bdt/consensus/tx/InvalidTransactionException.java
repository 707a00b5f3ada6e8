package io.bdt.consensus.tx;

/** A transaction broke a decoding or validity rule; the message names the field and the rule. */
public final class InvalidTransactionException extends RuntimeException {
  private final boolean mayBecomeValid;

  public InvalidTransactionException(String message) {
    this(message, false);
  }

  private InvalidTransactionException(String message, boolean mayBecomeValid) {
    super(message);
    this.mayBecomeValid = mayBecomeValid;
  }

  /** A nonce above the sender's next one: valid once the gap is filled. */
  public static InvalidTransactionException nonceTooHigh(long expected, long actual) {
    return new InvalidTransactionException(
        "transaction.nonce: nonce too high (expected " + expected + ", got " + actual + ")", true);
  }

  /** Whether the transaction may become valid on a later state (so a pool should keep it). */
  public boolean mayBecomeValid() {
    return mayBecomeValid;
  }
}
