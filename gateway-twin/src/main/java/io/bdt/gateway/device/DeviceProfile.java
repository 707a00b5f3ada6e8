package io.bdt.gateway.device;

import java.util.Objects;

/**
 * A class of devices the gateway accepts: devices prove membership with the profile's provisioning
 * key and secret and are then given their own credentials.
 *
 * @param profileId the profile's name (e.g. {@code vibration-sensor})
 * @param provisioningKey public key of the profile, sent in the clear by devices
 * @param provisioningSecretHash hex SHA-256 of the provisioning secret
 */
public record DeviceProfile(
    String profileId, String provisioningKey, String provisioningSecretHash) {
  public DeviceProfile {
    Objects.requireNonNull(profileId, "profileId");
    Objects.requireNonNull(provisioningKey, "provisioningKey");
    Objects.requireNonNull(provisioningSecretHash, "provisioningSecretHash");
  }
}
