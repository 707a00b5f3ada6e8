package io.bdt.gateway.device;

import com.fasterxml.jackson.databind.JsonNode;
import io.bdt.gateway.device.ProvisioningOutcome.Reason;
import io.bdt.gateway.storage.StorageUnavailableException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Decides provisioning requests: checks the profile's key and secret (constant-time), refuses
 * revoked and already registered devices, issues a random 256-bit device secret and records the
 * device (with only the secret's salted slow hash, {@link SecretHash}) in the {@link DeviceLedger}.
 *
 * <p>Request JSON: {@code {"provisioningKey": ..., "provisioningSecret": ..., "deviceId": ...}};
 * {@code deviceId} is optional (a random one is issued) and must match {@link #DEVICE_ID}.
 */
public final class Provisioner {

  /** Device ids: letters, digits, {@code . _ -}, 1 to 64 characters. */
  public static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private final Map<String, DeviceProfile> profilesByKey;
  private final DeviceLedger ledger;
  private final String gatewayId;
  private final SecureRandom random;
  private final Clock clock;

  public Provisioner(
      List<DeviceProfile> profiles,
      DeviceLedger ledger,
      String gatewayId,
      SecureRandom random,
      Clock clock) {
    this.profilesByKey =
        profiles.stream()
            .collect(
                Collectors.toUnmodifiableMap(DeviceProfile::provisioningKey, Function.identity()));
    this.ledger = Objects.requireNonNull(ledger, "ledger");
    this.gatewayId = Objects.requireNonNull(gatewayId, "gatewayId");
    this.random = Objects.requireNonNull(random, "random");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Hex SHA-256 of a UTF-8 string. */
  public static String sha256Hex(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** The telemetry topic of a device on this gateway. */
  public String telemetryTopic(String deviceId) {
    return "bdt/" + gatewayId + "/devices/" + deviceId + "/telemetry";
  }

  /** Decides one request (already parsed JSON, or {@code null} if it did not parse). */
  public synchronized ProvisioningOutcome provision(JsonNode request) {
    if (request == null || !request.isObject()) {
      return new ProvisioningOutcome.Refused(
          Reason.MALFORMED_REQUEST, "request must be a JSON object");
    }
    String key = request.path("provisioningKey").asText(null);
    String secret = request.path("provisioningSecret").asText(null);
    if (key == null || secret == null) {
      return new ProvisioningOutcome.Refused(
          Reason.MALFORMED_REQUEST, "provisioningKey and provisioningSecret are required strings");
    }
    DeviceProfile profile = profilesByKey.get(key);
    if (profile == null) {
      return new ProvisioningOutcome.Refused(
          Reason.UNKNOWN_PROFILE, "no device profile has provisioningKey " + key);
    }
    if (!MessageDigest.isEqual(
        sha256Hex(secret).getBytes(StandardCharsets.US_ASCII),
        profile.provisioningSecretHash().getBytes(StandardCharsets.US_ASCII))) {
      return new ProvisioningOutcome.Refused(
          Reason.WRONG_SECRET, "provisioningSecret is wrong for profile " + profile.profileId());
    }
    String deviceId = request.path("deviceId").asText(null);
    if (deviceId == null) {
      byte[] id = new byte[8];
      random.nextBytes(id);
      deviceId = profile.profileId() + "-" + HexFormat.of().formatHex(id);
    } else if (!DEVICE_ID.matcher(deviceId).matches()) {
      return new ProvisioningOutcome.Refused(
          Reason.MALFORMED_REQUEST,
          "deviceId must match " + DEVICE_ID.pattern() + ", got " + deviceId);
    }
    var existing = ledger.find(deviceId);
    if (existing.isPresent()) {
      return existing.get().revoked()
          ? new ProvisioningOutcome.Refused(
              Reason.REVOKED_DEVICE, "device " + deviceId + " is revoked")
          : new ProvisioningOutcome.Refused(
              Reason.ALREADY_REGISTERED, "device " + deviceId + " is already registered");
    }
    byte[] secretBytes = new byte[32];
    random.nextBytes(secretBytes);
    String deviceSecret = HexFormat.of().formatHex(secretBytes);
    try {
      ledger.register(
          new DeviceRecord(
              deviceId,
              profile.profileId(),
              SecretHash.hash(deviceSecret, random),
              false,
              clock.instant()));
    } catch (StorageUnavailableException e) {
      // nothing handed out: the device asks again, and its id is still free
      return new ProvisioningOutcome.Refused(
          Reason.STORAGE_UNAVAILABLE,
          "device " + deviceId + " not registered: " + e.getMessage() + "; try again later");
    }
    return new ProvisioningOutcome.Provisioned(deviceId, deviceSecret, telemetryTopic(deviceId));
  }
}
