package io.bdt.dnn.registry;

/**
 * A {@link ModelRegistry} has no model with the hash a frame names; {@link #reason()} says whether
 * the model is unknown altogether or known under another hash (other weights or seed).
 */
public final class ModelRefused extends Exception {

  /** Why the model was refused. */
  public enum Reason {
    /** No registered model has the hash, nor the name. */
    UNKNOWN_MODEL,
    /**
     * A model of that name is registered, but with other bytes: another training seed or other
     * weights, or its file changed since it was registered.
     */
    MODEL_MISMATCH
  }

  private static final long serialVersionUID = 1L;

  private final Reason reason;

  public ModelRefused(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  /** Why the model was refused. */
  public Reason reason() {
    return reason;
  }
}
