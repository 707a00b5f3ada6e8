package io.bdt.gateway.twin;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON form of twins and twin events as stored in the journal and sent on the wire: an event is
 * {@code {"type": "created"|"modified"|"deleted", "cause"?, "twin"? | "thingId", "revision",
 * "at"}}.
 */
public final class TwinCodec {

  private static final ObjectMapper JSON = new ObjectMapper();

  private TwinCodec() {}

  /** The event as a JSON object. */
  public static ObjectNode toJson(TwinEvent event) {
    ObjectNode json = JSON.createObjectNode();
    switch (event) {
      case TwinEvent.Created created -> {
        json.put("type", "created");
        json.set("twin", created.twin().toJson());
      }
      case TwinEvent.Modified modified -> {
        json.put("type", "modified");
        json.put("cause", modified.cause());
        json.set("twin", modified.twin().toJson());
      }
      case TwinEvent.Deleted deleted -> {
        json.put("type", "deleted");
        json.put("thingId", deleted.thingId());
        json.put("revision", deleted.revision());
        json.put("at", deleted.at().toString());
      }
    }
    return json;
  }

  /** The event as UTF-8 JSON bytes. */
  public static byte[] toBytes(TwinEvent event) {
    try {
      return JSON.writeValueAsBytes(toJson(event));
    } catch (IOException e) {
      throw new IllegalStateException("a twin event did not serialize", e);
    }
  }

  /** The twin as UTF-8 JSON bytes ({@link Twin#toJson()}). */
  public static byte[] twinBytes(Twin twin) {
    try {
      return JSON.writeValueAsBytes(twin.toJson());
    } catch (IOException e) {
      throw new IllegalStateException("a twin did not serialize", e);
    }
  }

  /** Reads an event written by {@link #toBytes}; throws {@link IOException} for anything else. */
  public static TwinEvent eventFromBytes(byte[] bytes) throws IOException {
    JsonNode json = JSON.readTree(bytes);
    String type = json.path("type").asText();
    return switch (type) {
      case "created" -> new TwinEvent.Created(twinFromJson(json.get("twin")));
      case "modified" ->
          new TwinEvent.Modified(twinFromJson(json.get("twin")), json.path("cause").asText());
      case "deleted" ->
          new TwinEvent.Deleted(
              json.get("thingId").asText(),
              json.get("revision").asLong(),
              Instant.parse(json.get("at").asText()));
      default -> throw new IOException("unknown twin event type '" + type + "'");
    };
  }

  /**
   * The thing id of an event written by {@link #toBytes}, read as a stream up to that field (the
   * top-level {@code thingId} of a deletion, or the {@code thingId} of its {@code twin}, which
   * {@link Twin#toJson()} writes first), without building the event; throws {@link IOException}
   * when there is none.
   */
  public static String thingIdOf(byte[] bytes) throws IOException {
    try (JsonParser p = JSON.getFactory().createParser(bytes)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("a twin event must be a JSON object");
      }
      String id = thingIdField(p, true);
      if (id == null) {
        throw new IOException("the twin event names no thingId");
      }
      return id;
    }
  }

  /** The {@code thingId} of the object {@code p} is in (or of its {@code twin}), else null. */
  private static String thingIdField(JsonParser p, boolean intoTwin) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      if (name.equals("thingId") && value == JsonToken.VALUE_STRING) {
        return p.getText();
      }
      if (intoTwin && name.equals("twin") && value == JsonToken.START_OBJECT) {
        return thingIdField(p, false);
      }
      p.skipChildren();
    }
    return null;
  }

  /** Reads a twin written by {@link Twin#toJson()}. */
  public static Twin twinFromJson(JsonNode json) throws IOException {
    if (json == null || !json.isObject()) {
      throw new IOException("twin must be a JSON object");
    }
    Map<String, Feature> features = new HashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = json.path("features").fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      features.put(
          e.getKey(),
          new Feature(
              (ObjectNode) e.getValue().get("properties"),
              (ObjectNode) e.getValue().get("desiredProperties")));
    }
    return new Twin(
        json.get("thingId").asText(),
        (ObjectNode) json.get("attributes"),
        features,
        json.get("revision").asLong(),
        Instant.parse(json.get("created").asText()),
        Instant.parse(json.get("modified").asText()));
  }
}
