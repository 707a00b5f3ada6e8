package io.bdt.gateway.api;

import io.bdt.gateway.events.KafkaEvents;
import io.bdt.gateway.storage.StorageFault;
import io.bdt.gateway.twin.TwinStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Down while a store on the gateway's disk refuses writes (the twin journal, the event outbox),
 * naming the failed operation and the operating system's message; up again when the store's retry
 * succeeds (after a failed checkpoint, once the tables are reopened: {@code reopenNeeded}).
 */
@Readiness
@ApplicationScoped
public class StorageReadiness implements HealthCheck {

  private final TwinStore twins;
  private final KafkaEvents events;

  public StorageReadiness(TwinStore twins, KafkaEvents events) {
    this.twins = twins;
    this.events = events;
  }

  @Override
  public HealthCheckResponse call() {
    Optional<StorageFault> twinFault = twins.fault();
    Optional<StorageFault> eventFault = events.outboxFault();
    HealthCheckResponseBuilder r =
        HealthCheckResponse.named("storage").status(twinFault.isEmpty() && eventFault.isEmpty());
    twinFault.ifPresent(f -> describe(r, "twins", f));
    eventFault.ifPresent(f -> describe(r, "events", f));
    return r.build();
  }

  private static void describe(HealthCheckResponseBuilder r, String store, StorageFault f) {
    r.withData(store, f.describe()).withData(store + "ReopenNeeded", f.reopenNeeded());
  }
}
