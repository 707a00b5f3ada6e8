package io.bdt.gateway;

import io.bdt.gateway.chain.ChainDeviceLedger;
import io.bdt.gateway.chain.GatewayChain;
import io.bdt.gateway.device.DeviceLedger;
import io.bdt.gateway.device.DeviceProfile;
import io.bdt.gateway.device.DeviceRevoked;
import io.bdt.gateway.device.FileDeviceLedger;
import io.bdt.gateway.device.Provisioner;
import io.bdt.gateway.storage.StorageMetrics;
import io.bdt.gateway.twin.TwinStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;

/**
 * Builds the gateway's stateful parts (twin store, chain connection, device ledger, provisioner)
 * from its config.
 */
public class GatewayBeans {

  @Produces
  @Singleton
  Clock clock() {
    return Clock.systemUTC();
  }

  @Produces
  @Singleton
  TwinStore twinStore(GatewayConfig config, Clock clock, MeterRegistry meters) throws IOException {
    GatewayConfig.Twin c = config.twin();
    for (String path : c.indexedPaths()) {
      io.bdt.gateway.twin.TwinPaths.require(path);
    }
    TwinStore store =
        TwinStore.open(
            Path.of(config.dataDir()).resolve("twins"),
            clock,
            new io.bdt.gateway.twin.TwinStoreOptions(
                c.syncIntervalMillis(),
                c.checkpointBytes(),
                c.historyPerTwin(),
                c.historyMaxAge(),
                c.cachedTwins(),
                c.cacheMegabytes(),
                c.indexedPaths()));
    io.micrometer.core.instrument.Gauge.builder("bdt_twins", store, s -> s.stats().twins())
        .register(meters);
    io.micrometer.core.instrument.Gauge.builder(
            "bdt_twin_history_entries", store, s -> s.stats().historyEntries())
        .register(meters);
    io.micrometer.core.instrument.FunctionCounter.builder(
            "bdt_twin_history_trimmed", store, s -> s.stats().historyTrimmed())
        .register(meters);
    io.micrometer.core.instrument.FunctionCounter.builder(
            "bdt_twin_checkpoints", store, s -> s.stats().checkpoints())
        .register(meters);
    io.micrometer.core.instrument.Gauge.builder(
            "bdt_twin_journal_bytes", store, s -> s.stats().journalBytes())
        .register(meters);
    io.micrometer.core.instrument.Gauge.builder(
            "bdt_twin_table_bytes", store, s -> s.stats().tableBytes())
        .register(meters);
    StorageMetrics.register(meters, "twins", store, TwinStore::diskFailures, TwinStore::fault);
    io.micrometer.core.instrument.FunctionCounter.builder(
            "bdt_twin_checkpoints_put_off", store, TwinStore::checkpointsPutOff)
        .description("checkpoints put off because the disk had too little free room")
        .register(meters);
    io.micrometer.core.instrument.FunctionCounter.builder(
            "bdt_twin_table_recoveries", store, TwinStore::tableRecoveries)
        .description("times the state tables were reopened after a checkpoint failed")
        .register(meters);
    return store;
  }

  void closeTwinStore(@Disposes TwinStore store) throws IOException {
    store.close();
  }

  @Produces
  @Singleton
  GatewayChain chain(GatewayConfig config, MeterRegistry meters) {
    return GatewayChain.connect(config, meters);
  }

  void closeChain(@Disposes GatewayChain chain) {
    chain.close();
  }

  @Produces
  @Singleton
  DeviceLedger deviceLedger(
      GatewayConfig config, GatewayChain chain, Clock clock, MeterRegistry meters)
      throws IOException {
    FileDeviceLedger journal =
        new FileDeviceLedger(Path.of(config.dataDir()).resolve("devices.json"));
    StorageMetrics.register(
        meters, "devices", journal, FileDeviceLedger::diskFailures, FileDeviceLedger::fault);
    if (chain.registry().isEmpty()) {
      return journal;
    }
    return new ChainDeviceLedger(
        journal, chain.registry().get(), chain.outbox(), clock, chain.statusTtl());
  }

  /**
   * Starts the chain outbox once the device ledger exists: reconciliation with the local devices
   * and anchors, then the queue; and the watch of DeviceRegistry's revocations, which disconnects a
   * device revoked on chain at the broker (the {@link DeviceRevoked} event the MQTT side observes).
   */
  void startChain(
      @Observes StartupEvent event,
      GatewayChain chain,
      DeviceLedger ledger,
      Event<DeviceRevoked> revocations,
      MeterRegistry meters) {
    chain.start(ledger instanceof ChainDeviceLedger onChain ? onChain.journal() : null);
    if (ledger instanceof ChainDeviceLedger onChain) {
      chain.watchRevocations(
          onChain.journal(), id -> revocations.fire(new DeviceRevoked(id)), meters);
    }
  }

  /**
   * Stops the start, before the service's other start work, when a device profile has no secret:
   * the service ships none (docs/security.md).
   */
  void requireProfileSecrets(
      @Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event,
      GatewayConfig config) {
    config.profiles().forEach(ProfileSecrets::of);
  }

  @Produces
  @Singleton
  Provisioner provisioner(GatewayConfig config, DeviceLedger ledger, Clock clock) {
    List<DeviceProfile> profiles =
        config.profiles().entrySet().stream()
            .map(
                e ->
                    new DeviceProfile(
                        e.getKey(),
                        e.getValue().key(),
                        Provisioner.sha256Hex(ProfileSecrets.of(e.getKey(), e.getValue()))))
            .toList();
    return new Provisioner(profiles, ledger, config.id(), new SecureRandom(), clock);
  }
}
