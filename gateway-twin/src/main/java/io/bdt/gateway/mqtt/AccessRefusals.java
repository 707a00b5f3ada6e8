package io.bdt.gateway.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bdt.gateway.access.Refusal;
import io.bdt.gateway.access.TopicPolicy;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.Locale;
import org.jboss.logging.Logger;

/**
 * Counts the clients the broker refused that concern this gateway (or no gateway) in {@code
 * bdt_access_refused_total{reason}}: the reports the embedded broker's extension publishes on
 * {@link TopicPolicy#REFUSALS}, and what Mosquitto's log and B-DT's denials plugin on it show
 * (through {@code DynamicSecurityAccess}).
 */
final class AccessRefusals {

  private static final Logger LOG = Logger.getLogger(AccessRefusals.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String gatewayId;
  private final MeterRegistry meters;

  AccessRefusals(String gatewayId, MeterRegistry meters) {
    this.gatewayId = gatewayId;
    this.meters = meters;
    for (Refusal.Reason reason : Refusal.Reason.values()) {
      counter(reason.tag()); // every reason shows in /q/metrics from the start, at 0
    }
  }

  /** Counts a refusal the broker reported on {@link TopicPolicy#REFUSALS} (JSON). */
  void countReport(byte[] payload) {
    try {
      JsonNode refusal = JSON.readTree(payload);
      count(
          new Refusal(
              Refusal.Reason.valueOf(
                  refusal.path("reason").asText("").toUpperCase(Locale.ROOT).replace('-', '_')),
              refusal.path("client").asText(""),
              refusal.path("gatewayId").asText(""),
              refusal.path("detail").asText("")));
    } catch (IOException | IllegalArgumentException e) {
      LOG.debugf("unreadable refusal report: %s", e.getMessage());
    }
  }

  /** Counts {@code refusal} ({@link Refusal#count} times) if it concerns this gateway (or none). */
  void count(Refusal refusal) {
    if (refusal.gatewayId().isEmpty() || refusal.gatewayId().equals(gatewayId)) {
      counter(refusal.reason().tag()).increment(refusal.count());
      LOG.debugf("broker refused %s", refusal);
    }
  }

  private Counter counter(String reason) {
    return Counter.builder("bdt.access.refused")
        .description(
            "clients the broker refused (connect, publish, subscribe) concerning this gateway, by"
                + " reason")
        .tag("reason", reason)
        .register(meters);
  }
}
