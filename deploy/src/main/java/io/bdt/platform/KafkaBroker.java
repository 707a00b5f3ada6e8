package io.bdt.platform;

import io.bdt.faults.RelayedKafka;
import io.github.embeddedkafka.EmbeddedK;
import io.github.embeddedkafka.EmbeddedKafka$;
import io.github.embeddedkafka.EmbeddedKafkaConfig$;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * The platform's embedded event broker: Kafka 4 (KRaft, in-process) on loopback ports picked free,
 * for the gateways' CloudEvents; or, as its own process on a namespace host ({@link KafkaHost}), on
 * every address under the name clients know it by. Its logs live in a temporary directory removed
 * on close: the stream is per run, the state it reports on is in the data directory.
 *
 * <p>{@link #cuttable()} is a {@link RelayedKafka}, so that an outage can be made on purpose
 * ({@link #cut}, {@link #heal}) while the broker keeps its data.
 */
final class KafkaBroker implements AutoCloseable {
  static {
    Platform.useLogback();
  }

  private final EmbeddedK kafka;
  private final String bootstrapServers;
  private final RelayedKafka relayed;

  /** Starts the broker. */
  KafkaBroker() {
    scala.collection.immutable.Map<String, String> none =
        scala.collection.immutable.Map$.MODULE$.empty();
    kafka =
        EmbeddedKafka$.MODULE$.start(EmbeddedKafkaConfig$.MODULE$.apply(0, 0, none, none, none));
    bootstrapServers = "127.0.0.1:" + EmbeddedKafka$.MODULE$.kafkaPort(kafka.broker());
    relayed = null;
  }

  private KafkaBroker(int advertised) throws IOException {
    relayed = new RelayedKafka("127.0.0.1", advertised, Map.of(), Optional.empty());
    kafka = null;
    bootstrapServers = relayed.bootstrapServers();
  }

  /**
   * A broker its clients reach only through a relay that {@link #cut} takes away. The relay's port
   * lies below the ephemeral range ({@link RelayedKafka#freePort}): while it is cut, a client
   * reconnecting to a port of that range can be handed the same port as its own source and connect
   * to itself, which would look like a broker that answers nothing.
   */
  static KafkaBroker cuttable() throws IOException {
    return new KafkaBroker(RelayedKafka.freePort());
  }

  /**
   * Starts the broker for clients on other hosts: listening on every address at {@code port}, and
   * telling clients to reach it as {@code advertisedHost:port}; its controller listens on loopback
   * at {@code controllerPort}.
   */
  KafkaBroker(String advertisedHost, int port, int controllerPort) {
    scala.collection.immutable.Map<String, String> none =
        scala.collection.immutable.Map$.MODULE$.empty();
    // Scala's Map.updated is typed MapOps from Java; the value is an immutable Map
    @SuppressWarnings("unchecked")
    scala.collection.immutable.Map<String, String> listeners =
        (scala.collection.immutable.Map<String, String>)
            none.updated(
                    "listeners",
                    "BROKER://0.0.0.0:" + port + ",CONTROLLER://localhost:" + controllerPort)
                .updated("advertised.listeners", "BROKER://" + advertisedHost + ":" + port);
    kafka =
        EmbeddedKafka$.MODULE$.start(
            EmbeddedKafkaConfig$.MODULE$.apply(port, controllerPort, listeners, none, none));
    bootstrapServers = advertisedHost + ":" + port;
    relayed = null;
  }

  /** The {@code bootstrap.servers} value clients use. */
  String bootstrapServers() {
    return bootstrapServers;
  }

  /** Kafka is gone for its clients (a {@link #cuttable} broker only). */
  void cut() throws IOException {
    relayed.cut();
  }

  /** Kafka is back for its clients, on the same port. */
  void heal() throws IOException {
    relayed.heal();
  }

  @Override
  public void close() {
    if (relayed != null) {
      relayed.close();
    } else {
      kafka.stop(true);
    }
  }
}
