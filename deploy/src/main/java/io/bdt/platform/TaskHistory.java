package io.bdt.platform;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every inference task a live run finished in a time window, read back from the gateways' twins:
 * each task writes its result (cut, measured and predicted latency, slot, task id) into its device
 * twin's {@code health} feature, and {@code GET /twins/{id}/history} returns every state a twin had
 * (docs/platform.md). This is per task, where the gateways' Prometheus counters only give sums.
 */
final class TaskHistory {

  /**
   * One finished task.
   *
   * @param gateway the gateway's name ({@code gw1})
   * @param model the model its gateway runs
   * @param device the device twin's thing id
   * @param slot slot {@code t}
   * @param taskId the task id (hex)
   * @param cut cut {@code k} the task ran at (a cut index of {@code model})
   * @param plannedCut the cut the slot's decision gave it: another than {@code cut} when no AP took
   *     the offload and the task ran on the whole local model (the prediction is the planned cut's)
   * @param measuredSeconds measured end-to-end latency, seconds
   * @param predictedSeconds the deciding policy's prediction per sample, seconds
   * @param coldStartSeconds the head and tail loads the task waited for (a head the gateway had not
   *     warmed, its own first task at a cut on the AP, or one ahead of it in the AP's queue),
   *     seconds; 0 for a warm task
   * @param headSeconds the head's time at the gateway's compute class, seconds (NaN: a gateway
   *     before 2026-12-04 10:00 did not write it)
   * @param apSeconds the AP's served time for the tail, seconds (0 at the fully local cut; NaN: not
   *     written)
   */
  record Task(
      String gateway,
      String model,
      String device,
      long slot,
      String taskId,
      int cut,
      int plannedCut,
      double measuredSeconds,
      double predictedSeconds,
      double coldStartSeconds,
      double headSeconds,
      double apSeconds) {

    /** Whether it waited for the AP to load a tail (a cold start, reported apart). */
    boolean coldStart() {
      return coldStartSeconds > 0;
    }

    /** Whether it ran at the cut its prediction is for. */
    boolean ranAsPlanned() {
      return cut == plannedCut;
    }
  }

  private TaskHistory() {}

  /**
   * The tasks of every twin of {@code platform}'s gateways whose window closed in {@code [from,
   * to]}, each once (a twin's later states repeat its last result); gateway {@code n} runs {@code
   * layout}'s model {@code n}.
   *
   * @throws IOException when a gateway does not list its twins or their history
   */
  static List<Task> read(Platform platform, FleetLayout layout, Instant from, Instant to)
      throws IOException {
    List<Task> out = new ArrayList<>();
    List<ServiceProcess> gateways = platform.gatewayProcesses();
    for (int n = 0; n < gateways.size(); n++) {
      ServiceProcess gw = gateways.get(n);
      String model = layout.gateways().get(n).devices().model();
      JsonNode twins = getJson(platform, gw.baseUrl() + "/twins", gw.name() + "'s twins");
      for (JsonNode twin : twins) {
        String id = twin.path("thingId").asText();
        JsonNode history =
            getJson(
                platform,
                gw.baseUrl()
                    + "/twins/"
                    + URLEncoder.encode(id, StandardCharsets.UTF_8)
                    + "/history?limit=100000&from="
                    + from
                    + "&to="
                    + to.plusSeconds(5),
                "the history of " + id + " on " + gw.name());
        out.addAll(tasks(gw.name(), model, id, history, from, to).values());
      }
    }
    return out;
  }

  /** {@code url}'s JSON, tried three times (a busy gateway may not answer within 10 s). */
  private static JsonNode getJson(Platform platform, String url, String what) throws IOException {
    for (int attempt = 1; attempt <= 3; attempt++) {
      JsonNode json = platform.getJson(url);
      if (json != null) {
        return json;
      }
    }
    throw new IOException("could not read " + what + " (" + url + ")");
  }

  /** The distinct tasks (by task id) in one twin's history whose window closed in the range. */
  static Map<String, Task> tasks(
      String gateway, String model, String device, JsonNode history, Instant from, Instant to) {
    Map<String, Task> byId = new LinkedHashMap<>();
    for (JsonNode event : history) {
      JsonNode h = event.at("/twin/features/health/properties");
      if (h.isMissingNode() || !h.has("taskId") || !h.has("windowClosedAt")) {
        continue;
      }
      Instant closed = Instant.parse(h.path("windowClosedAt").asText());
      if (closed.isBefore(from) || closed.isAfter(to)) {
        continue;
      }
      byId.putIfAbsent(
          h.path("taskId").asText(),
          new Task(
              gateway,
              model,
              device,
              h.path("slot").asLong(),
              h.path("taskId").asText(),
              h.path("cut").asInt(),
              // a gateway before 2026-12-03 did not write it
              h.path("plannedCut").asInt(h.path("cut").asInt()),
              h.path("measuredLatency").asDouble(),
              h.path("predictedLatency").asDouble(),
              // a gateway before 2026-12-03 22:00 did not write it
              h.path("coldStartSeconds").asDouble(0),
              h.path("headSeconds").asDouble(Double.NaN),
              h.path("apSeconds").asDouble(Double.NaN)));
    }
    return byId;
  }
}
