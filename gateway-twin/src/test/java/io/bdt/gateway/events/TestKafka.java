package io.bdt.gateway.events;

import io.github.embeddedkafka.EmbeddedK;
import io.github.embeddedkafka.EmbeddedKafka$;
import io.github.embeddedkafka.EmbeddedKafkaConfig;
import io.github.embeddedkafka.EmbeddedKafkaConfig$;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A real Kafka 4 broker (KRaft, in-process) that clients reach only through a TCP relay on its
 * advertised port, so the test can take Kafka away from them: {@link #cut()} closes every
 * connection and refuses new ones (what a client sees of a Kafka that is down), {@link #heal()}
 * accepts again on the same port. The broker keeps running and its data; a real stop and start of
 * the embedded broker is not used because embedded-kafka formats its log directory again on start
 * (a new directory id), which leaves the partitions without a leader. Auto-created topics have 3
 * partitions, so per-thing order is checked across partitions.
 */
final class TestKafka implements AutoCloseable {

  private final EmbeddedK kafka;
  private final TcpRelay relay;

  TestKafka(Path logs) throws IOException {
    int advertised = freePort();
    Map<String, String> broker = new HashMap<>();
    broker.put("num.partitions", "3");
    broker.put("advertised.listeners", "BROKER://localhost:" + advertised);
    EmbeddedKafkaConfig config =
        EmbeddedKafkaConfig$.MODULE$.apply(0, 0, scala(broker), scala(Map.of()), scala(Map.of()));
    kafka = EmbeddedKafka$.MODULE$.startKafka(java.nio.file.Files.createDirectories(logs), config);
    int port = EmbeddedKafka$.MODULE$.kafkaPort(kafka.broker());
    relay = new TcpRelay(advertised, port);
  }

  /** The {@code bootstrap.servers} of the broker as clients reach it. */
  String bootstrap() {
    return "localhost:" + relay.port();
  }

  /** Kafka is gone for clients: connections closed, new ones refused. */
  void cut() throws IOException {
    relay.cut();
  }

  /** Kafka is back for clients, on the same port. */
  void heal() throws IOException {
    relay.heal();
  }

  @Override
  public void close() {
    relay.close();
    kafka.stop(true);
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

  private static <K, V> scala.collection.immutable.Map<K, V> scala(Map<K, V> map) {
    return scala.collection.immutable.Map$.MODULE$.from(
        scala.jdk.javaapi.CollectionConverters.asScala(map));
  }

  private static int freePort() throws IOException {
    for (int i = 0; i < 200; i++) {
      int candidate = ThreadLocalRandom.current().nextInt(20_000, 32_000);
      try (ServerSocket s = new ServerSocket(candidate, 1, InetAddress.getLoopbackAddress())) {
        return s.getLocalPort();
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IOException("no free port in 20000-32000 after 200 tries");
  }
}
