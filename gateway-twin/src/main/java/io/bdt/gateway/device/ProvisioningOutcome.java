package io.bdt.gateway.device;

import java.util.Objects;

/** The answer to a provisioning request: credentials, or a refusal with its reason. */
public sealed interface ProvisioningOutcome {

  /** The device is registered; {@code deviceSecret} is shown to it once and stored only hashed. */
  record Provisioned(String deviceId, String deviceSecret, String telemetryTopic)
      implements ProvisioningOutcome {
    public Provisioned {
      Objects.requireNonNull(deviceId, "deviceId");
      Objects.requireNonNull(deviceSecret, "deviceSecret");
      Objects.requireNonNull(telemetryTopic, "telemetryTopic");
    }
  }

  /** Refused; {@code reason} is one of the documented codes, {@code detail} says why. */
  record Refused(Reason reason, String detail) implements ProvisioningOutcome {
    public Refused {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
    }
  }

  /** Why a provisioning request was refused. */
  enum Reason {
    MALFORMED_REQUEST,
    UNKNOWN_PROFILE,
    WRONG_SECRET,
    REVOKED_DEVICE,
    ALREADY_REGISTERED,
    /** Sent on the former shared topic {@code bdt/provision/request/{id}}, not to a gateway. */
    UNADDRESSED_REQUEST,
    /**
     * The request id has no nonce ({@code io.bdt.gateway.access.RequestId}): its reply topic could
     * be known to others.
     */
    REQUEST_ID_WITHOUT_NONCE,
    /** The gateway could not record the device on its disk (full, failing): try again later. */
    STORAGE_UNAVAILABLE
  }
}
