package io.bdt.gateway.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bdt.gateway.device.DeviceRecord;
import io.bdt.gateway.device.Provisioner;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One write the gateway owes the chain, as the outbox keeps it on disk: an anchor for TwinAnchor,
 * or a device registration or revocation for DeviceRegistry. Each is a desired end state, so
 * sending it again after it landed changes nothing ({@link ChainWriter} checks before it sends).
 */
public sealed interface ChainWrite {

  /** Metric tag and log name: {@code anchor}, {@code register}, {@code revoke}. */
  String op();

  /** What it is about, for logs: the root or the device id. */
  String subject();

  /** The JSON form kept in the outbox file (without its sequence number). */
  ObjectNode toJson();

  /** {@code TwinAnchor.anchor(root, leafCount)}; {@code root} is 0x + 64 lower-case hex digits. */
  record Anchor(String root, int leafCount) implements ChainWrite {
    private static final Pattern ROOT = Pattern.compile("0x[0-9a-f]{64}");

    public Anchor {
      root = root == null ? null : root.toLowerCase(Locale.ROOT);
      if (root == null || !ROOT.matcher(root).matches()) {
        throw new IllegalArgumentException("root must be 0x + 64 hex digits, got " + root);
      }
      if (leafCount < 1) {
        throw new IllegalArgumentException("leafCount must be >= 1, got " + leafCount);
      }
    }

    @Override
    public String op() {
      return "anchor";
    }

    @Override
    public String subject() {
      return root;
    }

    @Override
    public ObjectNode toJson() {
      return JsonNodeFactory.instance
          .objectNode()
          .put("op", op())
          .put("root", root)
          .put("leafCount", leafCount);
    }
  }

  /** {@code DeviceRegistry.registerDevice(keccak256(deviceId), credentialHash, profileId)}. */
  record Register(String deviceId, String credentialHash, String profileId) implements ChainWrite {
    public Register {
      checkDevice(deviceId, credentialHash, profileId);
    }

    /** The registration of {@code device}. */
    public static Register of(DeviceRecord device) {
      return new Register(device.deviceId(), device.chainCredentialHash(), device.profileId());
    }

    @Override
    public String op() {
      return "register";
    }

    @Override
    public String subject() {
      return deviceId;
    }

    @Override
    public ObjectNode toJson() {
      return deviceJson(op(), deviceId, credentialHash, profileId);
    }
  }

  /**
   * {@code DeviceRegistry.revokeDevice(keccak256(deviceId))}; carries the registration too, so a
   * device whose registration never reached the chain is registered first, then revoked.
   */
  record Revoke(String deviceId, String credentialHash, String profileId) implements ChainWrite {
    public Revoke {
      checkDevice(deviceId, credentialHash, profileId);
    }

    /** The revocation of {@code device}. */
    public static Revoke of(DeviceRecord device) {
      return new Revoke(device.deviceId(), device.chainCredentialHash(), device.profileId());
    }

    @Override
    public String op() {
      return "revoke";
    }

    @Override
    public String subject() {
      return deviceId;
    }

    @Override
    public ObjectNode toJson() {
      return deviceJson(op(), deviceId, credentialHash, profileId);
    }
  }

  /**
   * The write in {@code json} (the form {@link #toJson()} gives).
   *
   * @throws IllegalArgumentException naming the member that is missing or wrong
   */
  static ChainWrite fromJson(JsonNode json) {
    if (json == null || !json.isObject()) {
      throw new IllegalArgumentException("a write must be a JSON object");
    }
    String op = text(json, "op");
    return switch (op) {
      case "anchor" -> {
        JsonNode leaves = json.get("leafCount");
        if (leaves == null || !leaves.canConvertToInt()) {
          throw new IllegalArgumentException("leafCount: an integer is required");
        }
        yield new Anchor(text(json, "root"), leaves.intValue());
      }
      case "register" ->
          new Register(
              text(json, "deviceId"), text(json, "credentialHash"), text(json, "profileId"));
      case "revoke" ->
          new Revoke(text(json, "deviceId"), text(json, "credentialHash"), text(json, "profileId"));
      default ->
          throw new IllegalArgumentException(
              "op must be anchor, register or revoke, got \"" + op + "\"");
    };
  }

  private static String text(JsonNode json, String field) {
    JsonNode v = json.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException(field + ": a string is required");
    }
    return v.asText();
  }

  private static void checkDevice(String deviceId, String credentialHash, String profileId) {
    if (deviceId == null || !Provisioner.DEVICE_ID.matcher(deviceId).matches()) {
      throw new IllegalArgumentException(
          "deviceId must match " + Provisioner.DEVICE_ID.pattern() + ", got " + deviceId);
    }
    if (credentialHash == null || !credentialHash.matches("(0x)?[0-9a-fA-F]{64}")) {
      throw new IllegalArgumentException(
          "credentialHash must be 64 hex digits (SHA-256), got " + credentialHash);
    }
    if (profileId == null || profileId.isEmpty()) {
      throw new IllegalArgumentException("profileId must not be empty");
    }
  }

  private static ObjectNode deviceJson(
      String op, String deviceId, String credentialHash, String profileId) {
    return JsonNodeFactory.instance
        .objectNode()
        .put("op", op)
        .put("deviceId", deviceId)
        .put("credentialHash", credentialHash)
        .put("profileId", profileId);
  }
}
