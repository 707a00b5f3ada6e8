package io.bdt.gateway.twin.query;

/**
 * A search request that cannot be run: the message names the parameter, the position and what is
 * wrong; {@link #reason()} is a short metric label.
 */
public final class InvalidQueryException extends RuntimeException {

  private final String reason;

  public InvalidQueryException(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  /**
   * Short label of the kind of error: {@code filter}, {@code sort}, {@code cursor}, {@code limit}.
   */
  public String reason() {
    return reason;
  }
}
