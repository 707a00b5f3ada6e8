package io.bdt.gateway.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bdt.gateway.inference.TaskResult;
import io.bdt.gateway.twin.TwinCodec;
import io.bdt.gateway.twin.TwinEvent;
import java.time.Instant;
import java.util.UUID;

/**
 * Builds CloudEvents 1.0 in structured JSON mode ({@code application/cloudevents+json}) for twin
 * events ({@code io.bdt.twin.created|modified|deleted}) and inference results ({@code
 * io.bdt.inference.result}). Source: {@code /bdt/gateways/{gatewayId}}; subject: the thing id.
 */
public final class CloudEvents {

  /** The content type of a structured-mode event. */
  public static final String CONTENT_TYPE = "application/cloudevents+json";

  private CloudEvents() {}

  /** The CloudEvent of a twin event. */
  public static ObjectNode twinEvent(String gatewayId, TwinEvent event) {
    String kind =
        switch (event) {
          case TwinEvent.Created c -> "created";
          case TwinEvent.Modified m -> "modified";
          case TwinEvent.Deleted d -> "deleted";
        };
    return envelope(
        gatewayId,
        "io.bdt.twin." + kind,
        event.thingId(),
        event.at(),
        event.thingId() + "@" + event.revision(),
        TwinCodec.toJson(event));
  }

  /** The CloudEvent of an inference result. */
  public static ObjectNode result(String gatewayId, TaskResult result, Instant at) {
    ObjectNode data = JsonNodeFactory.instance.objectNode();
    data.put("taskId", result.taskId());
    data.put("thingId", result.thingId());
    data.put("slot", result.slot());
    data.put("cut", result.cut());
    data.put("label", result.label());
    var p = data.putArray("probabilities");
    for (double v : result.probabilities()) {
      p.add(v);
    }
    data.put("predictedLatency", result.predictedSeconds());
    data.put("measuredLatency", result.latencySeconds());
    return envelope(
        gatewayId, "io.bdt.inference.result", result.thingId(), at, result.taskId(), data);
  }

  private static ObjectNode envelope(
      String gatewayId, String type, String subject, Instant time, String id, JsonNode data) {
    ObjectNode event = JsonNodeFactory.instance.objectNode();
    event.put("specversion", "1.0");
    // deterministic ids: a retried send of the same change is the same event for consumers
    event.put("id", UUID.nameUUIDFromBytes((type + "/" + id).getBytes()).toString());
    event.put("source", "/bdt/gateways/" + gatewayId);
    event.put("type", type);
    event.put("subject", subject);
    event.put("time", time.toString());
    event.put("datacontenttype", "application/json");
    event.set("data", data);
    return event;
  }
}
