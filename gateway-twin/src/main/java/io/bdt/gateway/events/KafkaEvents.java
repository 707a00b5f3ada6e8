package io.bdt.gateway.events;

import com.fasterxml.jackson.databind.JsonNode;
import io.bdt.gateway.GatewayConfig;
import io.bdt.gateway.inference.InferenceLoop;
import io.bdt.gateway.twin.TwinStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import org.jboss.logging.Logger;

/**
 * Publishes twin changes and inference results to Kafka as structured-mode CloudEvents, keyed by
 * thing id (so one twin's events stay ordered in one partition), with an idempotent producer
 * ({@code enable.idempotence=true}, {@code acks=all}). Off unless {@code
 * bdt.gateway.kafka.bootstrap-servers} is set.
 */
@ApplicationScoped
public class KafkaEvents {

  private static final Logger LOG = Logger.getLogger(KafkaEvents.class);

  private final GatewayConfig config;
  private final TwinStore twins;
  private final InferenceLoop inference;
  private final Clock clock;
  private final Counter sent;
  private final Counter failed;
  private volatile CloudEventProducer producer;

  public KafkaEvents(
      GatewayConfig config,
      TwinStore twins,
      InferenceLoop inference,
      Clock clock,
      MeterRegistry registry) {
    this.config = config;
    this.twins = twins;
    this.inference = inference;
    this.clock = clock;
    this.sent = Counter.builder("bdt.kafka.events").tag("outcome", "sent").register(registry);
    this.failed = Counter.builder("bdt.kafka.events").tag("outcome", "failed").register(registry);
  }

  void start(@Observes StartupEvent event) {
    if (config.kafka().bootstrapServers().isEmpty()) {
      return;
    }
    producer =
        new CloudEventProducer(
            config.kafka().bootstrapServers().get(), "bdt-gateway-" + config.id());
    String gatewayId = config.id();
    twins.subscribe(e -> send(config.kafka().twinTopic(), CloudEvents.twinEvent(gatewayId, e)));
    inference.subscribe(
        r ->
            send(
                config.kafka().inferenceTopic(),
                CloudEvents.result(gatewayId, r, clock.instant())));
    LOG.infof("publishing CloudEvents to Kafka at %s", config.kafka().bootstrapServers().get());
  }

  private void send(String topic, JsonNode event) {
    CloudEventProducer p = producer;
    if (p == null) {
      return;
    }
    p.send(
        topic,
        event,
        error -> {
          if (error == null) {
            sent.increment();
          } else {
            failed.increment();
            LOG.debugf("Kafka send to %s failed: %s", topic, error.getMessage());
          }
        });
  }

  void stop(@Observes ShutdownEvent event) {
    if (producer != null) {
      producer.close();
      producer = null;
    }
  }
}
