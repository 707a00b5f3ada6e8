package io.bdt.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * The Markdown table of one raw result of {@code ./bdt bench-ingest}: per broker, transport, QoS
 * and run, the broker's own rate to a bare subscriber, the gateway's sustained rate, their ratio,
 * and the CPU time per message of the gateway's threads, the bare subscriber's and the broker's.
 */
final class IngestTable {
  private IngestTable() {}

  static String rows(JsonNode result) {
    StringBuilder t = new StringBuilder();
    t.append(
        "| broker | transport | QoS | run | bare subscriber msg/s | gateway msg/s | gateway /"
            + " broker | gateway CPU µs/msg | subscriber CPU µs/msg | broker CPU µs/msg | offered"
            + " msg/s | load (1 min) |\n");
    t.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (JsonNode r : result.path("results")) {
      JsonNode gw = r.path("gateway");
      JsonNode sub = r.path("subscriber");
      double gateway = gw.path("msgPerSecond").asDouble();
      double broker = sub.path("msgPerSecond").asDouble();
      t.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %d | %d | %s | **%s** | **%.2f** | **%s** | %s | %s | %s | %s |%n",
              r.path("broker").asText(),
              r.path("tls").asBoolean() ? "TLS" : "plain",
              r.path("qos").asInt(),
              r.path("run").asInt(),
              BenchTablesCommand.figure(broker),
              BenchTablesCommand.figure(gateway),
              broker > 0 ? gateway / broker : Double.NaN,
              micros(gw, "consumerCpuNanosPerMessage"),
              micros(sub, "consumerCpuNanosPerMessage"),
              micros(gw, "brokerCpuNanosPerMessage"),
              BenchTablesCommand.figure(gw.path("publishedPerSecond").asDouble()),
              load(gw.path("loadAverage")) + " / " + load(sub.path("loadAverage"))));
    }
    t.append(perGateway(result));
    JsonNode s = result.path("settings");
    boolean fleet = "FleetPublisher".equals(s.path("publisher").asText());
    t.append(
        String.format(
            Locale.ROOT,
            "%nSettings: %d devices, %s, %.1f s warm-up and %.1f s measured per phase. Placement:"
                + " %s.%n",
            s.path("devices").asInt(),
            fleet
                ? "one publisher thread, JSON messages of about 65 bytes (seq, sentAtMicros,"
                    + " temperature)"
                : String.format(
                    Locale.ROOT,
                    "%d publisher threads, %d-byte JSON messages",
                    s.path("publisherThreads").asInt(),
                    s.path("payloadBytes").asInt()),
            s.path("warmupSeconds").asDouble(),
            s.path("measureSeconds").asDouble(),
            result.path("placement").path("note").asText("?")));
    if (fleet) {
      t.append(
          String.format(
              Locale.ROOT,
              "Fleet: %,d devices over %d gateways, each device its own MQTT 3.1.1 connection with a"
                  + " persistent session and at most %d QoS 1 publishes unacknowledged; offered"
                  + " %s; Mosquitto max_inflight_messages %d; device secrets hashed with %,d"
                  + " PBKDF2 iterations.%n",
              s.path("devices").asInt(),
              s.path("gateways").asInt(),
              s.path("deviceInflight").asInt(),
              s.path("qos1OfferedRate").asDouble() > 0
                  ? BenchTablesCommand.figure(s.path("qos1OfferedRate").asDouble()) + " msg/s"
                  : "as fast as acknowledged",
              s.path("mosquittoInflight").asInt(),
              s.path("deviceHashIterations").asInt()));
    }
    return t.toString();
  }

  /**
   * Per gateway, when there are several or the payloads carried their send time: its devices, the
   * bare subscriber's and the gateway's rate on its topics, their ratio, and the latency from
   * publish to twin updated (gateway) and to delivery (bare subscriber), in ms. Empty otherwise.
   */
  static String perGateway(JsonNode result) {
    StringBuilder t = new StringBuilder();
    for (JsonNode r : result.path("results")) {
      JsonNode gws = r.path("gateway").path("perGateway");
      JsonNode subs = r.path("subscriber").path("perGateway");
      for (int g = 0; g < gws.size(); g++) {
        JsonNode gw = gws.get(g);
        JsonNode sub = subs.path(g);
        if (gws.size() < 2 && !gw.has("latencyP50Micros")) {
          continue;
        }
        if (t.isEmpty()) {
          t.append(
              "\n| broker | transport | run | gateway | devices | bare subscriber msg/s |"
                  + " gateway msg/s | gateway / broker | twin update p50 / p99 ms |"
                  + " delivery to bare subscriber p50 / p99 ms |\n");
          t.append("|---|---|---:|---|---:|---:|---:|---:|---:|---:|\n");
        }
        double gwRate = gw.path("msgPerSecond").asDouble();
        double subRate = sub.path("msgPerSecond").asDouble();
        t.append(
            String.format(
                Locale.ROOT,
                "| %s | %s | %d | %s | %,d | %s | **%s** | **%s** | **%s** | %s |%n",
                r.path("broker").asText(),
                r.path("tls").asBoolean() ? "TLS" : "plain",
                r.path("run").asInt(),
                gw.path("gateway").asText(),
                gw.path("devices").asInt(),
                BenchTablesCommand.figure(subRate),
                BenchTablesCommand.figure(gwRate),
                subRate > 0 ? String.format(Locale.ROOT, "%.2f", gwRate / subRate) : "-",
                millis(gw),
                millis(sub)));
      }
    }
    return t.toString();
  }

  private static String millis(JsonNode phase) {
    return phase.has("latencyP50Micros")
        ? String.format(
            Locale.ROOT,
            "%.1f / %.1f",
            phase.path("latencyP50Micros").asDouble() / 1e3,
            phase.path("latencyP99Micros").asDouble() / 1e3)
        : "-";
  }

  /** Nanoseconds per message as µs, or "-" when the phase consumed nothing (QoS 0 all dropped). */
  private static String micros(JsonNode phase, String field) {
    return phase.path("msgPerSecond").asDouble() > 0
        ? String.format(Locale.ROOT, "%.2f", phase.path(field).asDouble() / 1e3)
        : "-";
  }

  private static String load(JsonNode a) {
    return a.isArray() && !a.isEmpty()
        ? String.format(Locale.ROOT, "%.1f", a.get(0).asDouble())
        : "?";
  }
}
