package io.bdt.gateway.ingest;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.eclipse.tahu.message.SparkplugBPayloadEncoder;
import org.eclipse.tahu.message.model.Metric;
import org.eclipse.tahu.message.model.MetricDataType;
import org.eclipse.tahu.message.model.SparkplugBPayload;
import org.jboss.logging.Logger;

/**
 * The gateway as the Sparkplug B host application of its devices. Each device publishes its own
 * {@code DBIRTH}, {@code DDATA} and {@code DDEATH} under the gateway's edge node id ({@code
 * spBv1.0/{group}/D.../{gatewayId}/{deviceId}}); the host keeps one session per device:
 *
 * <ul>
 *   <li>{@code DBIRTH} declares the device's metrics with their aliases and starts its sequence;
 *       its values are applied and the twin's {@code connectivity} feature says {@code online}.
 *   <li>{@code DDATA} metrics may carry only an alias, resolved through the birth. Its {@code seq}
 *       must follow the previous message's (mod 256). Data without a birth, with an unknown alias,
 *       or after a gap still has its named values applied (nothing accepted is lost), and the host
 *       asks the device for a rebirth ({@code DCMD} with {@code Device Control/Rebirth = true}, at
 *       most one per device per {@link #REBIRTH_HOLD}); metrics it cannot name are dropped and
 *       counted.
 *   <li>{@code DDEATH} ends the session: {@code connectivity} says {@code offline}.
 * </ul>
 *
 * Every deviation is counted in {@code bdt_sparkplug_anomalies_total{kind}} and every rebirth
 * request in {@code bdt_sparkplug_rebirth_requests_total}.
 */
public final class SparkplugHost {

  private static final Logger LOG = Logger.getLogger(SparkplugHost.class);

  /** The metric name of a device rebirth request (Sparkplug B's {@code Device Control/Rebirth}). */
  public static final String REBIRTH_METRIC = "Device Control/Rebirth";

  /** The shortest time between two rebirth requests to one device. */
  public static final Duration REBIRTH_HOLD = Duration.ofSeconds(5);

  /** What went wrong with a device's Sparkplug stream (the metric tag is {@link #tag()}). */
  public enum Anomaly {
    /** DDATA from a device whose DBIRTH the host has not seen. */
    NO_BIRTH,
    /** a metric named only by an alias its birth did not declare. */
    UNKNOWN_ALIAS,
    /** a {@code seq} that does not follow the previous message's. */
    SEQUENCE_GAP,
    /** a DBIRTH whose metrics lack a name or repeat an alias. */
    BAD_BIRTH;

    public String tag() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  /** One device's session: its birth's aliases and the next expected {@code seq}. */
  private record Session(Map<Long, String> aliases, long nextSeq) {}

  private final TelemetryIngest ingest;
  private final SparkplugTelemetryDecoder decoder = new SparkplugTelemetryDecoder();
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final Map<String, Instant> lastRebirthRequest = new ConcurrentHashMap<>();
  private final Map<Anomaly, Counter> anomalies = new EnumMap<>(Anomaly.class);
  private final Counter rebirthRequests;
  private final BiConsumer<String, byte[]> publisher;

  /**
   * A host feeding {@code ingest}, counting in {@code registry}, and sending its commands {@code
   * (topic, payload)} through {@code publisher} (the gateway's MQTT client).
   */
  public SparkplugHost(
      TelemetryIngest ingest, MeterRegistry registry, BiConsumer<String, byte[]> publisher) {
    this.ingest = ingest;
    this.publisher = publisher;
    for (Anomaly a : Anomaly.values()) {
      anomalies.put(
          a,
          Counter.builder("bdt.sparkplug.anomalies")
              .description("Sparkplug B messages that broke the session rules, by kind")
              .tag("kind", a.tag())
              .register(registry));
    }
    rebirthRequests =
        Counter.builder("bdt.sparkplug.rebirth.requests")
            .description("Device Control/Rebirth commands sent to devices")
            .register(registry);
  }

  /**
   * Handles one message on {@code spBv1.0/{group}/{type}/{edgeNode}/{deviceId}}; returns why it was
   * dropped, if it was.
   */
  public Optional<RejectReason> accept(
      String group, String type, String edgeNode, String deviceId, byte[] payload) {
    SparkplugBPayload decoded;
    try {
      decoded = decoder.parse(payload);
    } catch (MalformedTelemetryException e) {
      return ingest.reject(e.reason(), deviceId, e.getMessage());
    }
    Optional<RejectReason> refused = ingest.admit(deviceId);
    if (refused.isPresent()) {
      return refused;
    }
    String command = "spBv1.0/" + group + "/DCMD/" + edgeNode + "/" + deviceId;
    return switch (type) {
      case "DBIRTH" -> birth(deviceId, decoded, command);
      case "DDATA" -> data(deviceId, decoded, command);
      case "DDEATH" -> death(deviceId);
      default -> ingest.reject(RejectReason.BAD_TOPIC, deviceId, "Sparkplug message type " + type);
    };
  }

  private Optional<RejectReason> birth(String deviceId, SparkplugBPayload birth, String command) {
    Map<Long, String> aliases = new java.util.HashMap<>();
    for (Metric m : birth.getMetrics()) {
      if (m.getName() == null || m.getName().isEmpty()) {
        anomaly(Anomaly.BAD_BIRTH, deviceId, "a DBIRTH metric has no name");
        return ingest.reject(RejectReason.NOT_SPARKPLUG, deviceId, "DBIRTH metric without name");
      }
      if (m.hasAlias() && aliases.putIfAbsent(m.getAlias(), m.getName()) != null) {
        anomaly(Anomaly.BAD_BIRTH, deviceId, "alias " + m.getAlias() + " declared twice");
        return ingest.reject(
            RejectReason.NOT_SPARKPLUG, deviceId, "DBIRTH alias " + m.getAlias() + " repeated");
      }
    }
    sessions.put(deviceId, new Session(Map.copyOf(aliases), next(birth)));
    connectivity(deviceId, "online");
    // a birth may declare its metrics without values: that is no reason to drop it
    return apply(deviceId, birth, Map.copyOf(aliases), command)
        .filter(reason -> reason != RejectReason.NO_VALUES);
  }

  private Optional<RejectReason> data(String deviceId, SparkplugBPayload data, String command) {
    Session session = sessions.get(deviceId);
    if (session == null) {
      anomaly(Anomaly.NO_BIRTH, deviceId, "DDATA before DBIRTH");
      requestRebirth(deviceId, command);
      return apply(deviceId, data, Map.of(), command);
    }
    if (data.getSeq() != null && data.getSeq() != session.nextSeq()) {
      anomaly(
          Anomaly.SEQUENCE_GAP,
          deviceId,
          "seq " + data.getSeq() + " where " + session.nextSeq() + " was due");
      requestRebirth(deviceId, command);
    }
    sessions.put(deviceId, new Session(session.aliases(), next(data)));
    return apply(deviceId, data, session.aliases(), command);
  }

  private Optional<RejectReason> death(String deviceId) {
    if (sessions.remove(deviceId) != null) {
      connectivity(deviceId, "offline");
    }
    return Optional.empty();
  }

  /** Names alias-only metrics, drops those it cannot name (counted), and ingests the rest. */
  private Optional<RejectReason> apply(
      String deviceId, SparkplugBPayload payload, Map<Long, String> aliases, String command) {
    java.util.List<Metric> named = new java.util.ArrayList<>();
    boolean unknown = false;
    for (Metric m : payload.getMetrics()) {
      if (m.getName() != null && !m.getName().isEmpty()) {
        named.add(m);
      } else if (m.hasAlias() && aliases.containsKey(m.getAlias())) {
        m.setName(aliases.get(m.getAlias()));
        named.add(m);
      } else {
        unknown = true;
      }
    }
    if (unknown) {
      anomaly(Anomaly.UNKNOWN_ALIAS, deviceId, "a metric has an alias its birth did not declare");
      requestRebirth(deviceId, command);
    }
    payload.setMetrics(named);
    try {
      return ingest.accept(decoder.telemetry(deviceId, payload, ingest.now()));
    } catch (MalformedTelemetryException e) {
      return ingest.reject(e.reason(), deviceId, e.getMessage());
    }
  }

  private static long next(SparkplugBPayload payload) {
    return payload.getSeq() == null ? 0 : (payload.getSeq() + 1) % 256;
  }

  private void anomaly(Anomaly kind, String deviceId, String detail) {
    anomalies.get(kind).increment();
    LOG.debugf("Sparkplug %s from %s: %s", kind.tag(), deviceId, detail);
  }

  private void requestRebirth(String deviceId, String command) {
    Instant now = ingest.now();
    Instant last = lastRebirthRequest.get(deviceId);
    if (last != null && now.isBefore(last.plus(REBIRTH_HOLD))) {
      return;
    }
    lastRebirthRequest.put(deviceId, now);
    try {
      byte[] bytes =
          new SparkplugBPayloadEncoder()
              .getBytes(
                  new SparkplugBPayload.SparkplugBPayloadBuilder()
                      .setTimestamp(java.util.Date.from(now))
                      .addMetric(
                          new Metric.MetricBuilder(REBIRTH_METRIC, MetricDataType.Boolean, true)
                              .createMetric())
                      .createPayload(),
                  false);
      publisher.accept(command, bytes);
      rebirthRequests.increment();
    } catch (Exception e) {
      LOG.warnf("could not send a rebirth request to %s: %s", deviceId, e.getMessage());
    }
  }

  private void connectivity(String deviceId, String status) {
    ObjectNode props = JsonNodeFactory.instance.objectNode();
    props.put("status", status);
    props.put("since", ingest.now().toString());
    ingest.report(deviceId, "connectivity", props);
  }
}
