package io.bdt.gateway.events;

import io.bdt.gateway.GatewayConfig;
import io.bdt.gateway.inference.InferenceLoop;
import io.bdt.gateway.storage.StorageFault;
import io.bdt.gateway.storage.StorageMetrics;
import io.bdt.gateway.twin.TwinStore;
import io.cloudevents.CloudEvent;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import org.jboss.logging.Logger;

/**
 * Publishes twin changes and inference results to Kafka as structured-mode CloudEvents, keyed by
 * thing id, through a durable {@link EventOutbox} in {@code <dataDir>/events-outbox} and the {@link
 * EventRelay}'s thread: the twin and inference listeners only append to the outbox, so a slow or
 * absent Kafka never holds up MQTT ingest. Off unless {@code bdt.gateway.kafka.bootstrap-servers}
 * is set.
 */
@ApplicationScoped
public class KafkaEvents {

  private static final Logger LOG = Logger.getLogger(KafkaEvents.class);

  /** The outbox's directory under the gateway's data directory. */
  public static final String OUTBOX_DIR = "events-outbox";

  private final GatewayConfig config;
  private final TwinStore twins;
  private final InferenceLoop inference;
  private final Clock clock;
  private final MeterRegistry registry;
  private volatile EventOutbox outbox;
  private EventRelay relay;

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
    this.registry = registry;
  }

  void start(@Observes StartupEvent event) throws IOException {
    if (config.kafka().bootstrapServers().isEmpty()) {
      return;
    }
    GatewayConfig.Kafka kafka = config.kafka();
    String servers = kafka.bootstrapServers().get();
    Path dir = Path.of(config.dataDir()).resolve(OUTBOX_DIR);
    outbox = EventOutbox.open(dir, EventOutbox.Options.of(kafka.outboxMaxBytes()));
    relay =
        new EventRelay(
            outbox,
            () -> KafkaProducers.create(servers, "bdt-gateway-" + config.id()),
            EventRelay.Options.defaults());
    registerMeters(outbox, relay);
    String gatewayId = config.id();
    twins.subscribe(e -> append(kafka.twinTopic(), CloudEvents.twinEvent(gatewayId, e)));
    inference.subscribe(
        r -> append(kafka.inferenceTopic(), CloudEvents.result(gatewayId, r, clock.instant())));
    relay.start();
    LOG.infof(
        "publishing CloudEvents to Kafka at %s through the outbox %s (%d events waiting)",
        servers, dir, outbox.stats().backlog());
  }

  /** Why the outbox holds events in memory instead of on disk, if it does (or Kafka is off). */
  public Optional<StorageFault> outboxFault() {
    EventOutbox o = outbox;
    return o == null ? Optional.empty() : o.fault();
  }

  private void append(String topic, CloudEvent event) {
    outbox.append(CloudEvents.toOutbox(topic, event));
  }

  private void registerMeters(EventOutbox o, EventRelay r) {
    counter("sent", r, EventRelay::sent);
    counter("failed", r, EventRelay::failed);
    counter("rejected", r, EventRelay::rejected);
    counter("dropped-outbox-full", o, x -> x.stats().dropped());
    counter("lost-outbox-error", o, x -> x.stats().lost());
    counter("lost-torn-tail", o, x -> x.stats().cut());
    Gauge.builder("bdt.kafka.outbox.held", o, x -> x.stats().held())
        .description("events held in memory because the disk refused them (lost if killed)")
        .register(registry);
    StorageMetrics.register(
        registry, "events", o, x -> x.stats().diskFailures(), EventOutbox::fault);
    Gauge.builder("bdt.kafka.outbox.backlog", o, x -> x.stats().backlog())
        .description("events in the outbox not yet acknowledged by Kafka")
        .register(registry);
    Gauge.builder("bdt.kafka.outbox.bytes", o, x -> x.stats().bytes())
        .description("bytes of the outbox's segment files")
        .baseUnit("bytes")
        .register(registry);
  }

  private <T> void counter(String outcome, T source, ToDoubleFunction<T> count) {
    FunctionCounter.builder("bdt.kafka.events", source, count)
        .tag("outcome", outcome)
        .register(registry);
  }

  /** Stops the relay; appends go on until the outbox closes with the bean. */
  void stop(@Observes ShutdownEvent event) {
    if (relay != null) {
      relay.close();
    }
  }

  @PreDestroy
  void close() {
    if (outbox != null) {
      try {
        outbox.close();
      } catch (IOException e) {
        LOG.errorf(e, "closing the event outbox");
      }
    }
  }
}
