package io.bdt.consensus.tx;

/** A transaction broke a decoding or validity rule; the message names the field and the rule. */
public final class InvalidTransactionException extends RuntimeException {
  public InvalidTransactionException(String message) {
    super(message);
  }
}
