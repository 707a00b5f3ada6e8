package io.bdt.ap.offload;

/** Why the AP did not serve a task; the resource maps each kind to an HTTP status. */
public sealed interface OffloadRejected {

  /**
   * The rule a refused task broke; the answer's {@code reason} field, which gateways count by. The
   * message says the details.
   */
  enum Reason {
    /** The body is not a valid codec frame. */
    FRAME,
    /** The frame names a model hash this AP has not registered, under a name it does not know. */
    UNKNOWN_MODEL,
    /**
     * The frame's model name is registered here with other bytes (another seed or other weights),
     * or the registered file changed.
     */
    MODEL_MISMATCH,
    /** The cut is out of range or the fully local one. */
    CUT,
    /** The frame's tensors are not the tail's inputs. */
    TENSORS,
    /** The inference share is not a share of this AP's budget. */
    SHARE,
    /** The queue is full. */
    OVERLOADED
  }

  /** The rule broken. */
  Reason reason();

  /** A human-readable reason naming the broken rule. */
  String message();

  /** The request is wrong (frame, model, cut or tensors): HTTP 400. */
  record BadRequest(Reason reason, String message) implements OffloadRejected {}

  /** The queue is full: HTTP 503. */
  record Overloaded(String message) implements OffloadRejected {
    @Override
    public Reason reason() {
      return Reason.OVERLOADED;
    }
  }

  /** The exception that carries a rejection out of the lane. */
  final class Exception extends RuntimeException {
    private final OffloadRejected rejection;

    public Exception(OffloadRejected rejection) {
      super(rejection.message());
      this.rejection = rejection;
    }

    public OffloadRejected rejection() {
      return rejection;
    }
  }
}
