package io.bdt.gateway.twin;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * One feature of a twin (Ditto style): the state a device reports ({@code properties}) and the
 * state an operator wants it to reach ({@code desiredProperties}). Both are JSON objects; callers
 * must not mutate them after construction (updates build new ones).
 */
public record Feature(ObjectNode properties, ObjectNode desiredProperties) {

  public Feature {
    Objects.requireNonNull(properties, "properties");
    Objects.requireNonNull(desiredProperties, "desiredProperties");
  }

  /** A feature with no properties and no desired properties. */
  public static Feature empty() {
    return new Feature(
        JsonNodeFactory.instance.objectNode(), JsonNodeFactory.instance.objectNode());
  }

  /** This feature as {@code {"properties": {...}, "desiredProperties": {...}}}. */
  public ObjectNode toJson() {
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.set("properties", properties.deepCopy());
    json.set("desiredProperties", desiredProperties.deepCopy());
    return json;
  }
}
