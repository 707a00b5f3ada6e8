package io.bdt.gateway.events;

import io.bdt.faults.RelayedKafka;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The event tests' Kafka: a {@link RelayedKafka} (cut and healed on purpose) whose auto-created
 * topics have 3 partitions, so per-thing order is checked across partitions, and a reader of every
 * record of a topic.
 */
final class TestKafka implements AutoCloseable {

  private final RelayedKafka kafka;

  TestKafka(Path logs) throws IOException {
    kafka =
        new RelayedKafka(
            "localhost", RelayedKafka.freePort(), Map.of("num.partitions", "3"), Optional.of(logs));
  }

  /** The {@code bootstrap.servers} of the broker as clients reach it. */
  String bootstrap() {
    return kafka.bootstrapServers();
  }

  /** Kafka is gone for clients: connections closed, new ones refused. */
  void cut() throws IOException {
    kafka.cut();
  }

  /** Kafka is back for clients, on the same port. */
  void heal() throws IOException {
    kafka.heal();
  }

  @Override
  public void close() {
    kafka.close();
  }

  /**
   * Every record of {@code topic} from the beginning to its end now, once at least {@code atLeast}
   * exist or {@code timeout} passed.
   */
  List<ConsumerRecord<String, byte[]>> readAll(String topic, int atLeast, Duration timeout) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    Instant deadline = Instant.now().plus(timeout);
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p)) {
      List<TopicPartition> partitions = new ArrayList<>();
      while (partitions.isEmpty() && Instant.now().isBefore(deadline)) {
        List<PartitionInfo> info = consumer.partitionsFor(topic, Duration.ofSeconds(5));
        if (info != null) {
          info.forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
        }
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (Instant.now().isBefore(deadline)) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
        boolean atEnd = partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
        if (atEnd) {
          if (out.size() >= atLeast) {
            break;
          }
          end.putAll(consumer.endOffsets(partitions));
        }
      }
    }
    return out;
  }
}
