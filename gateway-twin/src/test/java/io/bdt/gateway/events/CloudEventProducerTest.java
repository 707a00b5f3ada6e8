package io.bdt.gateway.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bdt.gateway.inference.TaskResult;
import io.bdt.gateway.twin.TwinEvent;
import io.bdt.gateway.twin.TwinRules;
import io.bdt.gateway.twin.TwinUpdate;
import io.github.embeddedkafka.EmbeddedK;
import io.github.embeddedkafka.EmbeddedKafka$;
import io.github.embeddedkafka.EmbeddedKafkaConfig;
import io.github.embeddedkafka.EmbeddedKafkaConfig$;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** CloudEvents through a real Kafka 4 broker (KRaft, in-process) to a real consumer. */
class CloudEventProducerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static EmbeddedK kafka;
  private static String bootstrap;

  @BeforeAll
  static void startKafka() {
    scala.collection.immutable.Map<String, String> none =
        scala.collection.immutable.Map$.MODULE$.empty();
    EmbeddedKafkaConfig config = EmbeddedKafkaConfig$.MODULE$.apply(0, 0, none, none, none);
    kafka = EmbeddedKafka$.MODULE$.start(config);
    bootstrap = "127.0.0.1:" + EmbeddedKafka$.MODULE$.kafkaPort(kafka.broker());
  }

  @AfterAll
  static void stopKafka() {
    if (kafka != null) {
      kafka.stop(true);
    }
  }

  private static List<ConsumerRecord<String, byte[]>> consume(String topic, int count) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + topic);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
      consumer.subscribe(List.of(topic));
      Instant deadline = Instant.now().plusSeconds(30);
      while (out.size() < count && Instant.now().isBefore(deadline)) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  @Test
  void twinEventsArriveAsStructuredCloudEventsKeyedByThingId() throws Exception {
    var created =
        TwinRules.apply(
            null,
            "bdt:pump-1",
            new TwinUpdate.Replace(JSON.readTree("{\"attributes\":{\"line\":2}}")),
            Instant.parse("2026-11-24T10:00:00Z"));
    List<Exception> errors = new CopyOnWriteArrayList<>();
    try (CloudEventProducer producer = new CloudEventProducer(bootstrap, "test")) {
      producer.send(
          "twins",
          CloudEvents.twinEvent("gw1", new TwinEvent.Created(created)),
          e -> {
            if (e != null) {
              errors.add(e);
            }
          });
      producer.flush();
    }
    assertThat(errors).isEmpty();
    List<ConsumerRecord<String, byte[]>> records = consume("twins", 1);
    assertThat(records).hasSize(1);
    ConsumerRecord<String, byte[]> record = records.get(0);
    assertThat(record.key()).isEqualTo("bdt:pump-1");
    assertThat(
            new String(record.headers().lastHeader("content-type").value(), StandardCharsets.UTF_8))
        .isEqualTo("application/cloudevents+json");
    JsonNode event = JSON.readTree(record.value());
    assertThat(event.get("specversion").asText()).isEqualTo("1.0");
    assertThat(event.get("type").asText()).isEqualTo("io.bdt.twin.created");
    assertThat(event.get("source").asText()).isEqualTo("/bdt/gateways/gw1");
    assertThat(event.get("subject").asText()).isEqualTo("bdt:pump-1");
    assertThat(event.at("/data/twin/attributes/line").asInt()).isEqualTo(2);
  }

  @Test
  void inferenceResultsArriveInOrderForOneTwin() throws Exception {
    try (CloudEventProducer producer = new CloudEventProducer(bootstrap, "test")) {
      for (int slot = 0; slot < 5; slot++) {
        TaskResult r =
            new TaskResult(
                String.format("%064x", slot),
                "bdt:m",
                slot,
                0,
                "normal",
                new double[] {1, 0, 0, 0},
                0.01,
                0.02);
        producer.send("results", CloudEvents.result("gw1", r, Instant.now()), e -> {});
      }
      producer.flush();
    }
    List<ConsumerRecord<String, byte[]>> records = consume("results", 5);
    List<Long> slots = new ArrayList<>();
    for (var record : records) {
      JsonNode event = JSON.readTree(record.value());
      assertThat(event.get("type").asText()).isEqualTo("io.bdt.inference.result");
      slots.add(event.at("/data/slot").asLong());
    }
    assertThat(slots).containsExactly(0L, 1L, 2L, 3L, 4L);
  }

  @Test
  void theProducerIsIdempotentWithAcksAll() {
    Map<String, Object> seen = new java.util.HashMap<>();
    try (CloudEventProducer producer = new CloudEventProducer(bootstrap, "test")) {
      seen.putAll(producer.settings());
    }
    assertThat(seen).containsEntry("enable.idempotence", true).containsEntry("acks", "all");
  }
}
