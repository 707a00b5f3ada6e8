package io.bdt.gateway.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends structured-mode CloudEvents to Kafka with an idempotent producer ({@code
 * enable.idempotence=true}, {@code acks=all}): value = the event's JSON, key = its subject (thing
 * id), header {@code content-type: application/cloudevents+json}.
 */
public final class CloudEventProducer implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final KafkaProducer<String, byte[]> producer;

  /** The delivery settings every producer uses. */
  private static final java.util.Map<String, Object> SETTINGS =
      java.util.Map.of(
          ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.ACKS_CONFIG, "all");

  /** A producer for {@code bootstrapServers} named {@code clientId}. */
  public CloudEventProducer(String bootstrapServers, String clientId) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.putAll(SETTINGS);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    this.producer = new KafkaProducer<>(props);
  }

  /**
   * Sends {@code event} to {@code topic} asynchronously; {@code done} gets {@code null} on success
   * or the error.
   */
  public void send(String topic, JsonNode event, Consumer<Exception> done) {
    byte[] value;
    try {
      value = JSON.writeValueAsBytes(event);
    } catch (Exception e) {
      done.accept(e);
      return;
    }
    ProducerRecord<String, byte[]> record =
        new ProducerRecord<>(topic, event.path("subject").asText(null), value);
    record
        .headers()
        .add(
            new RecordHeader(
                "content-type", CloudEvents.CONTENT_TYPE.getBytes(StandardCharsets.UTF_8)));
    producer.send(record, (metadata, error) -> done.accept(error));
  }

  /** The delivery settings ({@code enable.idempotence}, {@code acks}). */
  public java.util.Map<String, Object> settings() {
    return SETTINGS;
  }

  /** Blocks until every sent event is acknowledged or failed. */
  public void flush() {
    producer.flush();
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
