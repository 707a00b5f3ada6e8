package io.bdt.gateway.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bdt.gateway.inference.TaskResult;
import io.bdt.gateway.twin.TwinCodec;
import io.bdt.gateway.twin.TwinEvent;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.format.EventFormat;
import io.cloudevents.jackson.JsonCloudEventData;
import io.cloudevents.jackson.JsonFormat;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Builds the gateway's CloudEvents 1.0 with the CloudEvents SDK: twin events ({@code
 * io.bdt.twin.created|modified|deleted}, data = the twin event) and inference results ({@code
 * io.bdt.inference.result}); source {@code /bdt/gateways/{gatewayId}}, subject the thing id, JSON
 * data ({@link JsonCloudEventData}). Ids are name-based UUIDs of (type, thing@revision or task id),
 * so a resent event is the same event to consumers. {@link #FORMAT} writes them in structured mode.
 */
public final class CloudEvents {

  /** Structured JSON mode, {@code application/cloudevents+json}. */
  public static final EventFormat FORMAT = new JsonFormat();

  /** The content type of a structured-mode event. */
  public static final String CONTENT_TYPE = JsonFormat.CONTENT_TYPE;

  private CloudEvents() {}

  /** The CloudEvent of a twin event. */
  public static CloudEvent twinEvent(String gatewayId, TwinEvent event) {
    String kind =
        switch (event) {
          case TwinEvent.Created c -> "created";
          case TwinEvent.Modified m -> "modified";
          case TwinEvent.Deleted d -> "deleted";
        };
    return build(
        gatewayId,
        "io.bdt.twin." + kind,
        event.thingId(),
        event.at(),
        event.thingId() + "@" + event.revision(),
        TwinCodec.toJson(event));
  }

  /** The CloudEvent of an inference result. */
  public static CloudEvent result(String gatewayId, TaskResult result, Instant at) {
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
    return build(gatewayId, "io.bdt.inference.result", result.thingId(), at, result.taskId(), data);
  }

  /** The outbox entry of {@code event} on {@code topic}: key = subject, value = structured JSON. */
  public static EventOutbox.Event toOutbox(String topic, CloudEvent event) {
    return new EventOutbox.Event(topic, event.getSubject(), FORMAT.serialize(event));
  }

  private static CloudEvent build(
      String gatewayId, String type, String subject, Instant time, String id, JsonNode data) {
    return CloudEventBuilder.v1()
        // deterministic ids: a resent event is the same event for consumers
        .withId(
            UUID.nameUUIDFromBytes((type + "/" + id).getBytes(StandardCharsets.UTF_8)).toString())
        .withSource(URI.create("/bdt/gateways/" + gatewayId))
        .withType(type)
        .withSubject(subject)
        .withTime(time.atOffset(ZoneOffset.UTC))
        .withData("application/json", JsonCloudEventData.wrap(data))
        .build();
  }
}
