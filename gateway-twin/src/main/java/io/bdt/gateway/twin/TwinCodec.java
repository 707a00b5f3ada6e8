package io.bdt.gateway.twin;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

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

  /**
   * An event's JSON ({@link #toBytes}) and, for a created or modified twin, that twin's JSON
   * ({@link #twinBytes}), which is a slice of the event's: the journal record and the history entry
   * take {@code event}, the state table {@code twin}.
   *
   * @param twin null for a deletion
   */
  public record Encoded(byte[] event, byte[] twin) {}

  /**
   * Serializes the event once, streaming (no copy of the twin's JSON trees), and slices the twin's
   * JSON out of it; the bytes equal {@link #toJson(TwinEvent)} and {@link Twin#toJson()} written by
   * Jackson.
   */
  public static Encoded encode(TwinEvent event) {
    ByteArrayBuilder out = new ByteArrayBuilder(256);
    int twinFrom = -1;
    int twinTo = -1;
    try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
      g.writeStartObject();
      switch (event) {
        case TwinEvent.Created created ->
            twinFrom = writeTwinEvent(g, out, "created", null, created.twin());
        case TwinEvent.Modified modified ->
            twinFrom = writeTwinEvent(g, out, "modified", modified.cause(), modified.twin());
        case TwinEvent.Deleted deleted -> {
          g.writeStringField("type", "deleted");
          g.writeStringField("thingId", deleted.thingId());
          g.writeNumberField("revision", deleted.revision());
          g.writeStringField("at", deleted.at().toString());
        }
      }
      if (twinFrom >= 0) {
        g.writeEndObject();
        g.flush();
        twinTo = out.size();
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("a twin event did not serialize", e);
    }
    byte[] bytes = out.toByteArray();
    return new Encoded(bytes, twinFrom < 0 ? null : Arrays.copyOfRange(bytes, twinFrom, twinTo));
  }

  /**
   * Writes an event's type, its cause (null: none) and its twin's fields, leaving the twin's object
   * open; returns the offset of the twin's '{' in {@code out}.
   */
  private static int writeTwinEvent(
      JsonGenerator g, ByteArrayBuilder out, String type, String cause, Twin twin)
      throws IOException {
    g.writeStringField("type", type);
    if (cause != null) {
      g.writeStringField("cause", cause);
    }
    g.writeFieldName("twin");
    g.writeStartObject();
    g.flush();
    int from = out.size() - 1;
    writeTwinFields(g, twin);
    return from;
  }

  /** The fields of {@link Twin#toJson()}, in its order, written from the twin's own trees. */
  private static void writeTwinFields(JsonGenerator g, Twin twin) throws IOException {
    g.writeStringField("thingId", twin.thingId());
    g.writeFieldName("attributes");
    JSON.writeTree(g, twin.attributes());
    g.writeObjectFieldStart("features");
    Map<String, Feature> features =
        twin.features().size() < 2 ? twin.features() : new TreeMap<>(twin.features());
    for (Map.Entry<String, Feature> f : features.entrySet()) {
      g.writeObjectFieldStart(f.getKey());
      g.writeFieldName("properties");
      JSON.writeTree(g, f.getValue().properties());
      g.writeFieldName("desiredProperties");
      JSON.writeTree(g, f.getValue().desiredProperties());
      g.writeEndObject();
    }
    g.writeEndObject();
    g.writeNumberField("revision", twin.revision());
    g.writeStringField("created", twin.created().toString());
    g.writeStringField("modified", twin.modified().toString());
  }

  /** The event as UTF-8 JSON bytes. */
  public static byte[] toBytes(TwinEvent event) {
    return encode(event).event();
  }

  /** The twin as UTF-8 JSON bytes ({@link Twin#toJson()}). */
  public static byte[] twinBytes(Twin twin) {
    return encode(new TwinEvent.Created(twin)).twin();
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
