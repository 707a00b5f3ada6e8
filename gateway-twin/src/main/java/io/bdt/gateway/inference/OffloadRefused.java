package io.bdt.gateway.inference;

import java.io.IOException;

/**
 * An AP answered an offload or a slot demand with a refusal; {@link #reason()} is the answer's
 * {@code reason} (the AP's rule, e.g. {@code UNKNOWN_MODEL}, {@code MODEL_MISMATCH}, {@code
 * OVERLOADED}, {@code LATE}), or {@code HTTP_<status>} when the answer names none. The gateway
 * counts offload refusals by it.
 */
public final class OffloadRefused extends IOException {

  private static final long serialVersionUID = 1L;

  private final String reason;

  public OffloadRefused(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  /** The AP's reason, for the refusal counter's tag. */
  public String reason() {
    return reason;
  }
}
