package io.bdt.gateway.twin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bdt.contracts.auth.TwinGrant;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Applies a {@link TwinUpdate} to a twin: validates the result completely and returns the next
 * revision, or throws {@link InvalidTwinException} and leaves nothing changed. Pure: the caller
 * passes the instant.
 */
public final class TwinRules {

  /**
   * {@code namespace:name}, Ditto's thing-id shape (its parts are defined once, with the twin
   * grants that name them: {@link TwinGrant#NAMESPACE}, {@link TwinGrant#NAME}).
   */
  public static final Pattern THING_ID =
      Pattern.compile(TwinGrant.NAMESPACE + ":" + TwinGrant.NAME);

  /** Feature ids: letters, digits, {@code _} and {@code -}, 1 to 64 characters. */
  public static final Pattern FEATURE_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private static final Set<String> BODY_FIELDS = Set.of("attributes", "features", "thingId");
  private static final Set<String> FEATURE_FIELDS = Set.of("properties", "desiredProperties");

  private TwinRules() {}

  /** Throws unless {@code thingId} has the shape {@link #THING_ID}. */
  public static void requireThingId(String thingId) {
    if (thingId == null || !THING_ID.matcher(thingId).matches()) {
      throw new InvalidTwinException(
          "thingId", "must look like namespace:name (" + THING_ID.pattern() + "), got " + thingId);
    }
  }

  /**
   * The twin after {@code update}, with revision {@code current.revision + 1} (or 1 if created) and
   * {@code modified = now}.
   *
   * @param current the twin now, or {@code null} if there is none
   */
  public static Twin apply(Twin current, String thingId, TwinUpdate update, Instant now) {
    if (current == null || !current.thingId().equals(thingId)) {
      requireThingId(thingId); // a twin's own id was checked when it was created
    }
    ObjectNode attributes;
    Map<String, Feature> features;
    switch (update) {
      case TwinUpdate.Replace replace -> {
        JsonNode body = replace.body();
        requireObject("body", body);
        requireOnly("body", body, BODY_FIELDS);
        JsonNode id = body.get("thingId");
        if (id != null && !thingId.equals(id.asText(null))) {
          throw new InvalidTwinException(
              "thingId", "in the body must equal the path's " + thingId + ", got " + id);
        }
        attributes = attributesOf(body.get("attributes"));
        features = featuresOf(body.get("features"));
      }
      case TwinUpdate.MergePatch mergePatch -> {
        if (current == null) {
          throw new InvalidTwinException("thingId", "names no twin to patch: " + thingId);
        }
        JsonNode patch = mergePatch.patch();
        requireObject("patch", patch);
        requireOnly("patch", patch, Set.of("attributes", "features"));
        ObjectNode view = JsonNodeFactory.instance.objectNode();
        view.set("attributes", current.attributes().deepCopy());
        ObjectNode featureView = view.putObject("features");
        current.features().forEach((fid, f) -> featureView.set(fid, f.toJson()));
        JsonNode merged = mergePatch(view, patch);
        attributes = attributesOf(merged.get("attributes"));
        features = featuresOf(merged.get("features"));
      }
      case TwinUpdate.ReportProperties report -> {
        if (current == null || !current.features().containsKey(report.featureId())) {
          requireFeatureId("featureId", report.featureId()); // a twin's features were checked
        }
        attributes = current == null ? JsonNodeFactory.instance.objectNode() : current.attributes();
        features = new HashMap<>(current == null ? Map.of() : current.features());
        Feature before = features.getOrDefault(report.featureId(), Feature.empty());
        ObjectNode properties = before.properties().deepCopy();
        properties.setAll(report.properties());
        features.put(report.featureId(), new Feature(properties, before.desiredProperties()));
      }
    }
    if (current == null) {
      return new Twin(thingId, attributes, features, 1, now, now);
    }
    return new Twin(thingId, attributes, features, current.revision() + 1, current.created(), now);
  }

  /** RFC 7396 JSON Merge Patch of {@code target} by {@code patch} (returns a new node). */
  public static JsonNode mergePatch(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch.deepCopy();
    }
    ObjectNode result =
        target != null && target.isObject()
            ? ((ObjectNode) target).deepCopy()
            : JsonNodeFactory.instance.objectNode();
    Iterator<Map.Entry<String, JsonNode>> it = patch.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getValue().isNull()) {
        result.remove(e.getKey());
      } else {
        result.set(e.getKey(), mergePatch(result.get(e.getKey()), e.getValue()));
      }
    }
    return result;
  }

  private static ObjectNode attributesOf(JsonNode node) {
    if (node == null) {
      return JsonNodeFactory.instance.objectNode();
    }
    requireObject("attributes", node);
    return ((ObjectNode) node).deepCopy();
  }

  private static Map<String, Feature> featuresOf(JsonNode node) {
    Map<String, Feature> features = new HashMap<>();
    if (node == null) {
      return features;
    }
    requireObject("features", node);
    Iterator<Map.Entry<String, JsonNode>> it = node.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      String path = "features." + e.getKey();
      requireFeatureId(path, e.getKey());
      requireObject(path, e.getValue());
      requireOnly(path, e.getValue(), FEATURE_FIELDS);
      features.put(
          e.getKey(),
          new Feature(
              objectOrEmpty(path + ".properties", e.getValue().get("properties")),
              objectOrEmpty(path + ".desiredProperties", e.getValue().get("desiredProperties"))));
    }
    return features;
  }

  private static ObjectNode objectOrEmpty(String field, JsonNode node) {
    if (node == null) {
      return JsonNodeFactory.instance.objectNode();
    }
    requireObject(field, node);
    return ((ObjectNode) node).deepCopy();
  }

  private static void requireFeatureId(String field, String id) {
    if (id == null || !FEATURE_ID.matcher(id).matches()) {
      throw new InvalidTwinException(
          field, "must be a feature id (" + FEATURE_ID.pattern() + "), got " + id);
    }
  }

  private static void requireObject(String field, JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new InvalidTwinException(
          field, "must be a JSON object, got " + (node == null ? "nothing" : node.getNodeType()));
    }
  }

  private static void requireOnly(String field, JsonNode node, Set<String> allowed) {
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!allowed.contains(name)) {
        throw new InvalidTwinException(
            field + "." + name, "is not allowed here (allowed: " + allowed + ")");
      }
    }
  }
}
