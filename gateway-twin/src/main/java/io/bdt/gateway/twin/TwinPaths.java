package io.bdt.gateway.twin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.Set;

/**
 * Reads a value out of a twin by path, the way search filters, sorts and indexes name it: {@code
 * thingId}, {@code _namespace}, {@code _revision}, {@code _created}, {@code _modified} (ISO-8601
 * text), {@code attributes/...} or {@code features/ID/properties/...} (and {@code
 * desiredProperties}), segments separated by {@code /} as in a JSON pointer. Nothing is copied.
 */
public final class TwinPaths {

  private static final Set<String> SPECIAL =
      Set.of("thingId", "_namespace", "_revision", "_created", "_modified");

  private TwinPaths() {}

  /**
   * Checks that {@code path} can name a value of a twin; returns it, or throws {@link
   * IllegalArgumentException} saying what is wrong.
   */
  public static String require(String path) {
    if (SPECIAL.contains(path)) {
      return path;
    }
    if (path.startsWith("attributes/") && path.length() > "attributes/".length()) {
      return path;
    }
    String[] parts = path.split("/", 4);
    if (parts.length >= 3
        && parts[0].equals("features")
        && !parts[1].isEmpty()
        && (parts[2].equals("properties") || parts[2].equals("desiredProperties"))) {
      return path;
    }
    throw new IllegalArgumentException(
        "unknown property '"
            + path
            + "': use thingId, _namespace, _revision, _created, _modified, attributes/..., or"
            + " features/ID/properties/... (or desiredProperties)");
  }

  /** The value at {@code path} (checked by {@link #require}), or a missing node. */
  public static JsonNode resolve(Twin twin, String path) {
    switch (path) {
      case "thingId":
        return JsonNodeFactory.instance.textNode(twin.thingId());
      case "_namespace":
        return JsonNodeFactory.instance.textNode(twin.namespace());
      case "_revision":
        return JsonNodeFactory.instance.numberNode(twin.revision());
      case "_created":
        return JsonNodeFactory.instance.textNode(twin.created().toString());
      case "_modified":
        return JsonNodeFactory.instance.textNode(twin.modified().toString());
      default:
        break;
    }
    if (path.startsWith("attributes/")) {
      return twin.attributes().at(path.substring("attributes".length()));
    }
    String[] parts = path.split("/", 4);
    if (parts.length < 3 || !parts[0].equals("features")) {
      return MissingNode.getInstance();
    }
    Feature feature = twin.features().get(parts[1]);
    if (feature == null) {
      return MissingNode.getInstance();
    }
    JsonNode root =
        parts[2].equals("properties") ? feature.properties() : feature.desiredProperties();
    if (root == null) {
      return MissingNode.getInstance();
    }
    return parts.length == 3 ? root : root.at("/" + parts[3]);
  }

  /**
   * The index form of a scalar value ({@code s} + text, {@code n} + plain decimal, {@code b} +
   * boolean), or null for values an index does not hold (objects, arrays, null, missing).
   */
  public static String indexKey(JsonNode value) {
    if (value.isTextual()) {
      return "s" + value.textValue();
    }
    if (value.isNumber()) {
      return "n" + value.decimalValue().stripTrailingZeros().toPlainString();
    }
    if (value.isBoolean()) {
      return "b" + value.booleanValue();
    }
    return null;
  }
}
