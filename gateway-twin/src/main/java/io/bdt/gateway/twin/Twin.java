package io.bdt.gateway.twin;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The digital twin of one device at one revision (Ditto's "thing"): id {@code namespace:name},
 * free-form attributes, named features, a revision that grows by one per accepted change, and the
 * creation and last-modification instants.
 */
public record Twin(
    String thingId,
    ObjectNode attributes,
    Map<String, Feature> features,
    long revision,
    Instant created,
    Instant modified) {

  public Twin {
    Objects.requireNonNull(thingId, "thingId");
    Objects.requireNonNull(attributes, "attributes");
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(modified, "modified");
    features = Map.copyOf(Objects.requireNonNull(features, "features"));
    if (revision < 1) {
      throw new IllegalArgumentException("Twin.revision must be >= 1, got " + revision);
    }
  }

  /** The namespace part of the thing id (before the first {@code ':'}). */
  public String namespace() {
    return thingId.substring(0, thingId.indexOf(':'));
  }

  /**
   * The twin as JSON: {@code thingId, attributes, features{id: {properties, desiredProperties}},
   * revision, created, modified} (features sorted by id).
   */
  public ObjectNode toJson() {
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("thingId", thingId);
    json.set("attributes", attributes.deepCopy());
    ObjectNode featuresJson = json.putObject("features");
    new TreeMap<>(features).forEach((id, feature) -> featuresJson.set(id, feature.toJson()));
    json.put("revision", revision);
    json.put("created", created.toString());
    json.put("modified", modified.toString());
    return json;
  }
}
