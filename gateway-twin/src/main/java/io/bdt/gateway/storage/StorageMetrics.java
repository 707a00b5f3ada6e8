package io.bdt.gateway.storage;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The two meters every store on the gateway's disk has, tagged with the store's name: {@code
 * bdt.storage.failures} (failed writes, fsyncs and checkpoints, retries counted) and {@code
 * bdt.storage.writable} (1 while it takes writes, 0 during a {@link StorageFault}).
 */
public final class StorageMetrics {

  private StorageMetrics() {}

  /**
   * Registers the meters of {@code source}, the store named {@code store} ({@code twins}, {@code
   * events}, {@code devices}).
   */
  public static <T> void register(
      MeterRegistry meters,
      String store,
      T source,
      ToDoubleFunction<T> failures,
      Function<T, Optional<StorageFault>> fault) {
    FunctionCounter.builder("bdt.storage.failures", source, failures)
        .description("failed writes, fsyncs and checkpoints of a store on disk (retries counted)")
        .tag("store", store)
        .register(meters);
    Gauge.builder("bdt.storage.writable", source, s -> fault.apply(s).isPresent() ? 0 : 1)
        .description("1 while the store takes writes, 0 while a disk fault refuses them")
        .tag("store", store)
        .register(meters);
  }
}
