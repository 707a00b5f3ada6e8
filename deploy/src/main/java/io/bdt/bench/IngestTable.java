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
    JsonNode s = result.path("settings");
    t.append(
        String.format(
            Locale.ROOT,
            "%nSettings: %d devices, %d publisher threads, %d-byte JSON messages, %.1f s warm-up"
                + " and %.1f s measured per phase. Placement: %s.%n",
            s.path("devices").asInt(),
            s.path("publisherThreads").asInt(),
            s.path("payloadBytes").asInt(),
            s.path("warmupSeconds").asDouble(),
            s.path("measureSeconds").asDouble(),
            result.path("placement").path("note").asText("?")));
    return t.toString();
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
