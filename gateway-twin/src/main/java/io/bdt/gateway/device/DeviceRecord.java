package io.bdt.gateway.device;

import java.time.Instant;
import java.util.Objects;

/**
 * A device as the registry knows it.
 *
 * @param deviceId the device's id (also the name part of its twin's thing id)
 * @param profileId the device profile it was provisioned under
 * @param credentialHash salted slow hash of the device secret ({@link SecretHash}; the secret
 *     itself is never stored)
 * @param revoked whether the device has been revoked (refused from then on)
 * @param registeredAt when it was provisioned
 */
public record DeviceRecord(
    String deviceId,
    String profileId,
    String credentialHash,
    boolean revoked,
    Instant registeredAt) {

  public DeviceRecord {
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(profileId, "profileId");
    Objects.requireNonNull(credentialHash, "credentialHash");
    Objects.requireNonNull(registeredAt, "registeredAt");
  }

  /** What DeviceRegistry stores as this device's {@code credentialHash} (64 hex digits). */
  public String chainCredentialHash() {
    return SecretHash.chainCommitment(credentialHash);
  }

  /** The same device, revoked. */
  public DeviceRecord revoke() {
    return new DeviceRecord(deviceId, profileId, credentialHash, true, registeredAt);
  }
}
