package io.bdt.gateway.events;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The one place the gateway's Kafka producer settings live: idempotent ({@code
 * enable.idempotence=true}, {@code acks=all}, at most 5 requests in flight, so records of one key
 * keep their order across the producer's own retries) and no delivery timeout: a record the
 * producer has taken is retried until Kafka takes it, because an expired record lets the idempotent
 * producer go on with the records after it (a new epoch), which would put a thing's later event
 * before an earlier one. {@code send} waits at most {@code max.block.ms} for metadata (a new
 * producer while Kafka is away fails there, on the relay's thread, which rewinds).
 */
public final class KafkaProducers {

  /** How long {@code send} may wait for metadata or buffer space, ms. */
  static final int MAX_BLOCK_MS = 5_000;

  /** How long one request may wait for the broker's answer, ms. */
  static final int REQUEST_TIMEOUT_MS = 5_000;

  /** How long a record may take from {@code send} to acknowledged or failed: no limit. */
  static final int DELIVERY_TIMEOUT_MS = Integer.MAX_VALUE;

  private KafkaProducers() {}

  /** The producer settings for {@code bootstrapServers} and client id {@code clientId}. */
  public static Map<String, Object> settings(String bootstrapServers, String clientId) {
    Map<String, Object> s = new HashMap<>();
    s.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    s.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    s.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    s.put(ProducerConfig.ACKS_CONFIG, "all");
    s.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    s.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, MAX_BLOCK_MS);
    s.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, REQUEST_TIMEOUT_MS);
    s.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, DELIVERY_TIMEOUT_MS);
    s.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    s.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
    s.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    s.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return Map.copyOf(s);
  }

  /** A new producer with {@link #settings}. */
  public static Producer<String, byte[]> create(String bootstrapServers, String clientId) {
    return new KafkaProducer<>(settings(bootstrapServers, clientId));
  }
}
