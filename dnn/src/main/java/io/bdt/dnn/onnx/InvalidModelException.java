package io.bdt.dnn.onnx;

/**
 * A model the dnn module cannot analyse or split: a bad file, an unknown operator, a missing or
 * dynamic shape. The message names the file, node or tensor and the rule that was broken.
 */
public final class InvalidModelException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** An error whose message says what is wrong and where. */
  public InvalidModelException(String message) {
    super(message);
  }
}
