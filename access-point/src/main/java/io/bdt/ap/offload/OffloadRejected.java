package io.bdt.ap.offload;

/** Why the AP did not serve a task; the resource maps each kind to an HTTP status. */
public sealed interface OffloadRejected {

  /** A human-readable reason naming the broken rule. */
  String message();

  /** The request is wrong (frame, model, cut or header): HTTP 400. */
  record BadRequest(String message) implements OffloadRejected {}

  /** The queue is full: HTTP 503. */
  record Overloaded(String message) implements OffloadRejected {}

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
