package io.bdt.consensus.validation;

/** A block broke a consensus rule; the message names the rule, the field and the values. */
public final class InvalidBlockException extends RuntimeException {
  public InvalidBlockException(String message) {
    super(message);
  }
}
