package io.bdt.gateway.twin;

/** A twin update that breaks a rule; the message names the field and the rule. */
public final class InvalidTwinException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String field;

  public InvalidTwinException(String field, String rule) {
    super(field + " " + rule);
    this.field = field;
  }

  /** The JSON field (path) that broke the rule. */
  public String field() {
    return field;
  }
}
