package io.bdt.platform;

import io.github.embeddedkafka.EmbeddedK;
import io.github.embeddedkafka.EmbeddedKafka$;
import io.github.embeddedkafka.EmbeddedKafkaConfig$;

/**
 * The platform's embedded event broker: Kafka 4 (KRaft, in-process) on loopback ports picked free,
 * for the gateways' CloudEvents. Its logs live in a temporary directory removed on close: the
 * stream is per run, the state it reports on is in the data directory.
 */
final class KafkaBroker implements AutoCloseable {
  static {
    Platform.useLogback();
  }

  private final EmbeddedK kafka;
  private final String bootstrapServers;

  /** Starts the broker. */
  KafkaBroker() {
    scala.collection.immutable.Map<String, String> none =
        scala.collection.immutable.Map$.MODULE$.empty();
    kafka =
        EmbeddedKafka$.MODULE$.start(EmbeddedKafkaConfig$.MODULE$.apply(0, 0, none, none, none));
    bootstrapServers = "127.0.0.1:" + EmbeddedKafka$.MODULE$.kafkaPort(kafka.broker());
  }

  /** The {@code bootstrap.servers} value clients use. */
  String bootstrapServers() {
    return bootstrapServers;
  }

  @Override
  public void close() {
    kafka.stop(true);
  }
}
