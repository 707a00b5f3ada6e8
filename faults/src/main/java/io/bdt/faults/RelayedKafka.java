package io.bdt.faults;

import io.github.embeddedkafka.EmbeddedK;
import io.github.embeddedkafka.EmbeddedKafka$;
import io.github.embeddedkafka.EmbeddedKafkaConfig;
import io.github.embeddedkafka.EmbeddedKafkaConfig$;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A real Kafka 4 broker (embedded-kafka: KRaft, in-process) that clients reach only through a
 * {@link TcpRelay} on its advertised port, so that Kafka can be taken away from them on purpose:
 * {@link #cut()} closes every connection and refuses new ones (what a client sees of a Kafka that
 * is down), {@link #heal()} accepts again on the same port, while the broker keeps running and its
 * data. A real stop and start of the embedded broker is not used: embedded-kafka formats its log
 * directory again on start (a new directory id), which leaves the partitions without a leader.
 *
 * <p>embedded-kafka is an optional dependency of this module: a user of this class declares it.
 */
public final class RelayedKafka implements AutoCloseable {
  private final EmbeddedK kafka;
  private final TcpRelay relay;
  private final String bootstrapServers;

  /**
   * Starts the broker, advertised to clients as {@code host:advertisedPort} (a free loopback port,
   * where the relay listens), with the broker settings {@code broker} (e.g. {@code num.partitions})
   * and its logs in {@code logs}, or in a temporary directory embedded-kafka removes on close.
   */
  public RelayedKafka(
      String host, int advertisedPort, Map<String, String> broker, Optional<Path> logs)
      throws IOException {
    Map<String, String> settings = new HashMap<>(broker);
    settings.put("advertised.listeners", "BROKER://" + host + ":" + advertisedPort);
    EmbeddedKafkaConfig config =
        EmbeddedKafkaConfig$.MODULE$.apply(0, 0, scala(settings), scala(Map.of()), scala(Map.of()));
    kafka =
        logs.isPresent()
            ? EmbeddedKafka$.MODULE$.startKafka(Files.createDirectories(logs.get()), config)
            : EmbeddedKafka$.MODULE$.start(config);
    relay = new TcpRelay(advertisedPort, EmbeddedKafka$.MODULE$.kafkaPort(kafka.broker()));
    bootstrapServers = host + ":" + advertisedPort;
  }

  /**
   * The {@code bootstrap.servers} value clients use: the relay's port under the advertised host.
   */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** Kafka is gone for its clients: connections closed, new ones refused. */
  public void cut() throws IOException {
    relay.cut();
  }

  /** Kafka is back for its clients, on the same port. */
  public void heal() throws IOException {
    relay.heal();
  }

  @Override
  public void close() {
    relay.close();
    kafka.stop(true);
  }

  /**
   * A free loopback port for {@code advertisedPort}, below Linux's ephemeral range (32768 and up):
   * there a client's own outgoing port cannot be it, so a connection to the port while it is cut is
   * refused instead of, rarely, connecting to itself.
   */
  public static int freePort() throws IOException {
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

  /** {@code map} as the immutable Scala map embedded-kafka's configuration takes. */
  public static <K, V> scala.collection.immutable.Map<K, V> scala(Map<K, V> map) {
    return scala.collection.immutable.Map$.MODULE$.from(
        scala.jdk.javaapi.CollectionConverters.asScala(map));
  }
}
