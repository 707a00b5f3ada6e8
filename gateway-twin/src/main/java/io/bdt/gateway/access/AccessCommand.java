package io.bdt.gateway.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bdt.gateway.device.DeviceRecord;
import io.bdt.gateway.device.Provisioner;
import io.bdt.gateway.device.SecretHash;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a gateway tells the broker's access table on {@link TopicPolicy#accessTopic}: its whole
 * state after (re)connecting, a newly provisioned device, a revocation. Only salted hashes travel
 * ({@link SecretHash}); the broker never sees a device secret.
 */
public sealed interface AccessCommand {

  ObjectMapper JSON = new ObjectMapper();

  /**
   * Everything gateway-owned the broker needs: the provisioning profiles (key and salted hash of
   * the profile secret) and every device of this gateway.
   */
  record Sync(Map<String, String> profileHashes, List<DeviceRecord> devices)
      implements AccessCommand {
    public Sync {
      profileHashes = Map.copyOf(profileHashes);
      devices = List.copyOf(devices);
    }
  }

  /** A device was provisioned with a secret whose salted hash is {@code credentialHash}. */
  record Grant(String deviceId, String credentialHash) implements AccessCommand {
    public Grant {
      Objects.requireNonNull(deviceId, "deviceId");
      Objects.requireNonNull(credentialHash, "credentialHash");
    }
  }

  /** A device was revoked: disconnect it and refuse it from now on. */
  record Revoke(String deviceId) implements AccessCommand {
    public Revoke {
      Objects.requireNonNull(deviceId, "deviceId");
    }
  }

  /** The JSON bytes of {@code command}. */
  static byte[] encode(AccessCommand command) {
    ObjectNode root = JSON.createObjectNode();
    switch (command) {
      case Sync sync -> {
        root.put("op", "sync");
        ObjectNode profiles = root.putObject("profiles");
        sync.profileHashes().forEach(profiles::put);
        ArrayNode devices = root.putArray("devices");
        for (DeviceRecord d : sync.devices()) {
          devices
              .addObject()
              .put("deviceId", d.deviceId())
              .put("credentialHash", d.credentialHash())
              .put("revoked", d.revoked());
        }
      }
      case Grant grant ->
          root.put("op", "grant")
              .put("deviceId", grant.deviceId())
              .put("credentialHash", grant.credentialHash());
      case Revoke revoke -> root.put("op", "revoke").put("deviceId", revoke.deviceId());
    }
    try {
      return JSON.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Parses a command.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  static AccessCommand decode(byte[] bytes) {
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (IOException e) {
      throw new IllegalArgumentException("access command is not JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("access command must be a JSON object");
    }
    String op = root.path("op").asText("");
    return switch (op) {
      case "sync" -> {
        Map<String, String> profiles = new java.util.HashMap<>();
        root.path("profiles")
            .properties()
            .forEach(e -> profiles.put(e.getKey(), hash(e.getValue())));
        List<DeviceRecord> devices = new ArrayList<>();
        for (JsonNode d : root.path("devices")) {
          devices.add(
              new DeviceRecord(
                  deviceId(d),
                  "-",
                  hash(d.path("credentialHash")),
                  d.path("revoked").asBoolean(false),
                  java.time.Instant.EPOCH));
        }
        yield new Sync(profiles, devices);
      }
      case "grant" -> new Grant(deviceId(root), hash(root.path("credentialHash")));
      case "revoke" -> new Revoke(deviceId(root));
      default -> throw new IllegalArgumentException("unknown access op '" + op + "'");
    };
  }

  private static String deviceId(JsonNode node) {
    String id = node.path("deviceId").asText("");
    if (!Provisioner.DEVICE_ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "deviceId must match " + Provisioner.DEVICE_ID.pattern() + ", got '" + id + "'");
    }
    return id;
  }

  private static String hash(JsonNode node) {
    String hash = node.asText("");
    if (!SecretHash.isEncoded(hash)) {
      throw new IllegalArgumentException("credential hashes must be salted PBKDF2 hashes");
    }
    return hash;
  }
}
