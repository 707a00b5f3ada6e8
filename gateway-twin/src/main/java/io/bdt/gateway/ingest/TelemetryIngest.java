package io.bdt.gateway.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bdt.gateway.GatewayConfig;
import io.bdt.gateway.device.DeviceLedger;
import io.bdt.gateway.device.DeviceRecord;
import io.bdt.gateway.inference.SensorWindows;
import io.bdt.gateway.twin.InvalidTwinException;
import io.bdt.gateway.twin.TwinStore;
import io.bdt.gateway.twin.TwinUpdate;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Turns raw telemetry payloads into twin updates: decodes (JSON here, Sparkplug B through {@link
 * SparkplugHost}), checks that the device is registered and not revoked, merges the values into the
 * twin's {@code telemetry} feature and hands samples to the sensor windows. Anything malformed is
 * counted by reason and dropped; it never reaches the twin.
 */
@ApplicationScoped
public class TelemetryIngest {

  private static final Logger LOG = Logger.getLogger(TelemetryIngest.class);

  private final TwinStore twins;
  private final DeviceLedger ledger;
  private final SensorWindows windows;
  private final Clock clock;
  private final String namespace;
  private final JsonTelemetryDecoder json = new JsonTelemetryDecoder();
  private final Counter ingested;
  private final Map<RejectReason, Counter> rejected = new EnumMap<>(RejectReason.class);

  public TelemetryIngest(
      TwinStore twins,
      DeviceLedger ledger,
      SensorWindows windows,
      Clock clock,
      GatewayConfig config,
      MeterRegistry registry) {
    this.twins = twins;
    this.ledger = ledger;
    this.windows = windows;
    this.clock = clock;
    this.namespace = config.namespace();
    this.ingested =
        Counter.builder("bdt.telemetry.ingested")
            .description("telemetry messages applied to twins")
            .register(registry);
    for (RejectReason reason : RejectReason.values()) {
      rejected.put(
          reason,
          Counter.builder("bdt.telemetry.rejected")
              .description("MQTT payloads dropped, by reason")
              .tag("reason", reason.tag())
              .register(registry));
    }
  }

  /** The thing id of a device's twin. */
  public String thingId(String deviceId) {
    return namespace + ":" + deviceId;
  }

  /** Ingests a JSON telemetry payload; returns the reason if it was dropped. */
  public Optional<RejectReason> acceptJson(String deviceId, byte[] payload) {
    try {
      return accept(json.decode(deviceId, payload, clock.instant()));
    } catch (MalformedTelemetryException e) {
      return reject(e.reason(), deviceId, e.getMessage());
    }
  }

  /** Ingests decoded telemetry (Sparkplug B through {@link SparkplugHost}). */
  Optional<RejectReason> accept(Telemetry telemetry) {
    Optional<RejectReason> refused = admit(telemetry.deviceId());
    if (refused.isPresent()) {
      return refused;
    }
    if (!telemetry.properties().isEmpty()) {
      try {
        twins.apply(
            thingId(telemetry.deviceId()),
            new TwinUpdate.ReportProperties("telemetry", telemetry.properties()),
            false);
      } catch (InvalidTwinException e) {
        return reject(RejectReason.INVALID_TWIN_UPDATE, telemetry.deviceId(), e.getMessage());
      }
    }
    if (telemetry.samples().length > 0) {
      windows.append(telemetry.deviceId(), telemetry.samples(), telemetry.at());
    }
    ingested.increment();
    return Optional.empty();
  }

  /**
   * Why messages from {@code deviceId} are dropped (not provisioned, revoked), counted; or empty.
   */
  Optional<RejectReason> admit(String deviceId) {
    Optional<DeviceRecord> device = ledger.find(deviceId);
    if (device.isEmpty()) {
      return reject(RejectReason.UNKNOWN_DEVICE, deviceId, "not provisioned");
    }
    if (device.get().revoked()) {
      return reject(RejectReason.REVOKED_DEVICE, deviceId, "revoked");
    }
    return Optional.empty();
  }

  /**
   * Runs {@code action} once every twin update and every inference window accepted so far is on
   * disk ({@link TwinStore#whenDurable}, {@link SensorWindows#sync}): the MQTT side acknowledges
   * QoS 1 messages through it.
   */
  public void whenDurable(Runnable action) {
    twins.whenDurable(
        () -> {
          try {
            windows.sync();
          } catch (java.io.UncheckedIOException e) {
            // not acknowledged: the broker sends the message again after a reconnect
            LOG.errorf("inference windows not on disk, acknowledgement withheld: %s", e);
            return;
          }
          action.run();
        });
  }

  /** Why the twin store refuses writes now, if it does. */
  public Optional<io.bdt.gateway.storage.StorageFault> storageFault() {
    return twins.fault();
  }

  /** Now, on the ingest's clock. */
  Instant now() {
    return clock.instant();
  }

  /** Reports {@code properties} into feature {@code feature} of {@code deviceId}'s twin. */
  void report(String deviceId, String feature, ObjectNode properties) {
    try {
      twins.apply(thingId(deviceId), new TwinUpdate.ReportProperties(feature, properties), false);
    } catch (InvalidTwinException e) {
      LOG.warnf("%s of %s not recorded: %s", feature, deviceId, e.getMessage());
    }
  }

  /** Counts a message dropped before decoding (e.g. a topic that names no device). */
  public Optional<RejectReason> reject(RejectReason reason, String deviceId, String detail) {
    rejected.get(reason).increment();
    LOG.debugf("dropped telemetry from %s: %s", deviceId, detail);
    return Optional.of(reason);
  }

  /** Messages applied so far. */
  public double ingestedCount() {
    return ingested.count();
  }

  /** Messages dropped so far for {@code reason}. */
  public double rejectedCount(RejectReason reason) {
    return rejected.get(reason).count();
  }
}
