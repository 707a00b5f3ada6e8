package io.bdt.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the platform's CloudEvents (structured mode: one JSON event per Kafka record) from every
 * {@code bdt.*} topic: either what is stored, from the beginning to the current end, or from now on
 * as events arrive. Events whose {@code type} is not selected are skipped; a record that is not a
 * JSON event is counted and skipped, never fatal.
 */
final class EventTail implements AutoCloseable {
  /** Topics the gateways publish to ({@code bdt.twin-events}, {@code bdt.inference-results}). */
  static final String TOPIC_PREFIX = "bdt.";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration POLL = Duration.ofMillis(250);
  private static final Duration TOPIC_CHECK = Duration.ofSeconds(2);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final List<String> types;
  private final Set<TopicPartition> assigned = new HashSet<>();
  private long malformed;

  /**
   * A reader of the events on {@code bootstrapServers} whose type equals one of {@code types} or
   * starts with one of them and a dot ({@code io.bdt.twin} selects {@code io.bdt.twin.modified});
   * all events when {@code types} is empty.
   */
  EventTail(String bootstrapServers, List<String> types) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrapServers);
    p.put("client.id", "bdt-events-" + UUID.randomUUID());
    p.put("enable.auto.commit", "false");
    p.put("key.deserializer", ByteArrayDeserializer.class.getName());
    p.put("value.deserializer", ByteArrayDeserializer.class.getName());
    this.consumer = new KafkaConsumer<>(p);
    this.types = List.copyOf(types);
  }

  /**
   * Passes every selected stored event to {@code sink}, oldest first per partition, then returns.
   *
   * @return how many events it passed
   */
  long stored(Consumer<JsonNode> sink, BooleanSupplier stop) {
    assignNewPartitions(true);
    Map<TopicPartition, Long> end = consumer.endOffsets(assigned);
    long passed = 0;
    while (!stop.getAsBoolean() && !caughtUp(end)) {
      passed += pass(poll(), sink);
    }
    return passed;
  }

  /**
   * Passes every selected event that arrives from now on to {@code sink} until {@code stop} says
   * so; topics created meanwhile are read from their beginning.
   */
  void follow(Consumer<JsonNode> sink, BooleanSupplier stop) {
    assignNewPartitions(false);
    long nextCheck = System.nanoTime() + TOPIC_CHECK.toNanos();
    while (!stop.getAsBoolean()) {
      pass(poll(), sink);
      if (System.nanoTime() >= nextCheck) {
        try {
          assignNewPartitions(true);
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
          // Kafka is unreachable: keep following; the next check looks for new topics again
        }
        nextCheck = System.nanoTime() + TOPIC_CHECK.toNanos();
      }
    }
  }

  /** The next records; none, after a poll period, while no {@code bdt.*} topic exists yet. */
  private Iterable<ConsumerRecord<byte[], byte[]>> poll() {
    if (assigned.isEmpty()) {
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return List.of();
    }
    return consumer.poll(POLL);
  }

  /** Records that were not a JSON event, skipped so far. */
  long malformed() {
    return malformed;
  }

  private boolean caughtUp(Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private long pass(Iterable<ConsumerRecord<byte[], byte[]>> records, Consumer<JsonNode> sink) {
    long passed = 0;
    for (ConsumerRecord<byte[], byte[]> r : records) {
      JsonNode event;
      try {
        event = r.value() == null ? null : JSON.readTree(r.value());
      } catch (IOException e) {
        event = null;
      }
      if (event == null || !event.isObject() || !event.path("type").isTextual()) {
        malformed++;
        continue;
      }
      if (selected(event.path("type").asText())) {
        sink.accept(event);
        passed++;
      }
    }
    return passed;
  }

  boolean selected(String type) {
    if (types.isEmpty()) {
      return true;
    }
    for (String t : types) {
      if (type.equals(t) || type.startsWith(t + ".")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Adds the partitions of {@code bdt.*} topics not read yet: from their beginning when {@code
   * fromBeginning} (stored events, or topics that appeared while following), else from their end.
   */
  private void assignNewPartitions(boolean fromBeginning) {
    List<TopicPartition> fresh = new ArrayList<>();
    for (Map.Entry<String, List<PartitionInfo>> topic :
        consumer.listTopics(Duration.ofSeconds(10)).entrySet()) {
      if (!topic.getKey().startsWith(TOPIC_PREFIX)) {
        continue;
      }
      for (PartitionInfo p : topic.getValue()) {
        TopicPartition tp = new TopicPartition(p.topic(), p.partition());
        if (!assigned.contains(tp)) {
          fresh.add(tp);
        }
      }
    }
    if (fresh.isEmpty()) {
      return;
    }
    assigned.addAll(fresh);
    consumer.assign(assigned);
    if (fromBeginning) {
      consumer.seekToBeginning(fresh);
    } else {
      consumer.seekToEnd(fresh);
    }
    fresh.forEach(consumer::position); // resolve the seek now, not at the next poll
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
