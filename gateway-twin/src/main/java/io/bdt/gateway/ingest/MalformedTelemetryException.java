package io.bdt.gateway.ingest;

/** A telemetry payload that cannot be decoded; {@link #reason()} is the metric tag. */
public final class MalformedTelemetryException extends Exception {
  private static final long serialVersionUID = 1L;

  private final RejectReason reason;

  public MalformedTelemetryException(RejectReason reason, String detail) {
    super(reason.tag() + ": " + detail);
    this.reason = reason;
  }

  public RejectReason reason() {
    return reason;
  }
}
