package io.bdt.gateway.access;

import io.bdt.gateway.device.DeviceRecord;
import io.bdt.gateway.device.SecretHash;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The broker's view of who may connect: service accounts of the gateways (given when the broker
 * starts), and per gateway its provisioning profiles and devices (kept current by that gateway's
 * {@link AccessCommand}s). Decides CONNECTs; knows nothing of MQTT libraries, so both the HiveMQ
 * extension and tests use it directly. Thread-safe.
 *
 * <p>Usernames: a device connects as its device id, a gateway as {@code gateway:<id>}, a
 * provisioning client as {@code provision:<profile key>} (device ids cannot contain {@code :}).
 */
public final class AccessTable {

  /** Username prefix of gateways' service accounts. */
  public static final String GATEWAY_PREFIX = "gateway:";

  /** Username prefix of provisioning clients. */
  public static final String PROVISION_PREFIX = "provision:";

  private record DeviceEntry(String gatewayId, String credentialHash, boolean revoked) {}

  /** The outcome of one CONNECT. */
  public sealed interface Authentication {
    /** Accepted as {@code role}. */
    record Accepted(ClientRole role) implements Authentication {}

    /** Refused. */
    record Refused(Refusal refusal) implements Authentication {}
  }

  private final Map<String, String> gatewayHashes;
  private final Map<String, DeviceEntry> devices = new ConcurrentHashMap<>();
  private final Map<String, Map<String, String>> profileHashesByKey = new ConcurrentHashMap<>();
  private final Map<String, String> verified = new ConcurrentHashMap<>();

  /**
   * @param gatewayHashes salted password hash ({@link SecretHash}) of each gateway's service
   *     account, by gateway id
   */
  public AccessTable(Map<String, String> gatewayHashes) {
    this.gatewayHashes = Map.copyOf(gatewayHashes);
  }

  /**
   * Decides a CONNECT by password: {@code username}/{@code password} may be absent.
   *
   * @param clientId the MQTT client id (a provisioning client's topics end in it)
   */
  public Authentication authenticate(
      Optional<String> username, Optional<String> password, String clientId) {
    if (username.isEmpty() || password.isEmpty()) {
      return refused(Refusal.Reason.ANONYMOUS, clientId, "", "no username or password");
    }
    String user = username.get();
    String secret = password.get();
    if (user.startsWith(GATEWAY_PREFIX)) {
      String gatewayId = user.substring(GATEWAY_PREFIX.length());
      String hash = gatewayHashes.get(gatewayId);
      if (hash == null) {
        return refused(Refusal.Reason.UNKNOWN_CLIENT, user, "", "no such gateway account");
      }
      return check(user, secret, hash, new ClientRole.Gateway(gatewayId), gatewayId);
    }
    if (user.startsWith(PROVISION_PREFIX)) {
      String key = user.substring(PROVISION_PREFIX.length());
      Map<String, String> byGateway = profileHashesByKey.getOrDefault(key, Map.of());
      if (byGateway.isEmpty()) {
        return refused(Refusal.Reason.UNKNOWN_CLIENT, user, "", "no gateway has this profile");
      }
      for (Map.Entry<String, String> e : byGateway.entrySet()) {
        if (matches(user + "@" + e.getKey(), secret, e.getValue())) {
          return new Authentication.Accepted(new ClientRole.Provisioning(key, clientId));
        }
      }
      return refused(Refusal.Reason.WRONG_SECRET, user, "", "wrong provisioning secret");
    }
    DeviceEntry device = devices.get(user);
    if (device == null) {
      return refused(Refusal.Reason.UNKNOWN_CLIENT, user, "", "no such device");
    }
    if (device.revoked()) {
      return refused(Refusal.Reason.REVOKED_DEVICE, user, device.gatewayId(), "device revoked");
    }
    return check(
        user,
        secret,
        device.credentialHash(),
        new ClientRole.Device(user, device.gatewayId()),
        device.gatewayId());
  }

  /**
   * Decides a CONNECT by a client certificate the broker's TLS layer already verified against the
   * platform CA: its subject CN must be a device that is not revoked, or {@code gateway:<id>} of a
   * known gateway.
   */
  public Authentication authenticateCertificate(String commonName) {
    if (commonName.startsWith(GATEWAY_PREFIX)
        && gatewayHashes.containsKey(commonName.substring(GATEWAY_PREFIX.length()))) {
      return new Authentication.Accepted(
          new ClientRole.Gateway(commonName.substring(GATEWAY_PREFIX.length())));
    }
    DeviceEntry device = devices.get(commonName);
    if (device == null) {
      return refused(
          Refusal.Reason.UNTRUSTED_CERTIFICATE,
          commonName,
          "",
          "certificate CN is no provisioned device");
    }
    if (device.revoked()) {
      return refused(
          Refusal.Reason.REVOKED_DEVICE, commonName, device.gatewayId(), "device revoked");
    }
    return new Authentication.Accepted(new ClientRole.Device(commonName, device.gatewayId()));
  }

  /**
   * Applies {@code command} from gateway {@code gatewayId}; returns the ids of devices revoked by
   * it (to disconnect).
   *
   * @throws IllegalArgumentException when it touches a device another gateway owns
   */
  public List<String> apply(String gatewayId, AccessCommand command) {
    List<String> revoked = new ArrayList<>();
    switch (command) {
      case AccessCommand.Sync sync -> {
        for (DeviceRecord d : sync.devices()) {
          requireOwnedOrNew(gatewayId, d.deviceId());
        }
        devices.entrySet().removeIf(e -> e.getValue().gatewayId().equals(gatewayId));
        for (DeviceRecord d : sync.devices()) {
          devices.put(d.deviceId(), new DeviceEntry(gatewayId, d.credentialHash(), d.revoked()));
          if (d.revoked()) {
            revoked.add(d.deviceId());
          }
        }
        profileHashesByKey.values().forEach(m -> m.remove(gatewayId));
        sync.profileHashes()
            .forEach(
                (key, hash) ->
                    profileHashesByKey
                        .computeIfAbsent(key, k -> new ConcurrentHashMap<>())
                        .put(gatewayId, hash));
      }
      case AccessCommand.Grant grant -> {
        requireOwnedOrNew(gatewayId, grant.deviceId());
        DeviceEntry old = devices.get(grant.deviceId());
        if (old != null && old.revoked()) {
          throw new IllegalArgumentException("device " + grant.deviceId() + " is revoked");
        }
        devices.put(grant.deviceId(), new DeviceEntry(gatewayId, grant.credentialHash(), false));
      }
      case AccessCommand.Revoke revoke -> {
        requireOwnedOrNew(gatewayId, revoke.deviceId());
        DeviceEntry old = devices.get(revoke.deviceId());
        devices.put(
            revoke.deviceId(),
            new DeviceEntry(gatewayId, old == null ? "-" : old.credentialHash(), true));
        revoked.add(revoke.deviceId());
      }
    }
    revoked.forEach(verified::remove);
    return revoked;
  }

  /** Whether {@code deviceId} is known and revoked. */
  public boolean revoked(String deviceId) {
    DeviceEntry d = devices.get(deviceId);
    return d != null && d.revoked();
  }

  private void requireOwnedOrNew(String gatewayId, String deviceId) {
    DeviceEntry existing = devices.get(deviceId);
    if (existing != null && !existing.gatewayId().equals(gatewayId)) {
      throw new IllegalArgumentException(
          "device " + deviceId + " belongs to gateway " + existing.gatewayId());
    }
  }

  private Authentication check(
      String user, String secret, String hash, ClientRole role, String gatewayId) {
    return matches(user, secret, hash)
        ? new Authentication.Accepted(role)
        : refused(Refusal.Reason.WRONG_SECRET, user, gatewayId, "wrong password");
  }

  /**
   * PBKDF2 costs tens of milliseconds; a reconnect with the secret last verified for the same
   * stored hash is checked against a SHA-256 kept in memory only.
   */
  private boolean matches(String cacheKey, String secret, String hash) {
    String fingerprint = hash + "|" + sha256(secret);
    if (fingerprint.equals(verified.get(cacheKey))) {
      return true;
    }
    if (SecretHash.matches(secret, hash)) {
      verified.put(cacheKey, fingerprint);
      return true;
    }
    return false;
  }

  private static Authentication refused(
      Refusal.Reason reason, String client, String gatewayId, String detail) {
    return new Authentication.Refused(new Refusal(reason, client, gatewayId, detail));
  }

  private static String sha256(String text) {
    try {
      return java.util.HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
