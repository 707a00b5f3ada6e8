package io.bdt.platform;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code ./bdt platform}'s live summary: turns successive AP snapshots, the gateways' twins and
 * metrics and the event count into one line with rates (per second).
 */
final class PlatformSummary {
  private final Platform platform;
  private long lastPublished;
  private final Map<String, Long> lastSlot = new java.util.HashMap<>();
  private long lastNanos = System.nanoTime();
  private final EventCounter events;
  private long lastEvents;
  private final ReputationAverage average =
      new ReputationAverage(ReputationAverage.WARM_UP_SECONDS);

  /** {@code events} counts the platform's CloudEvents; null without Kafka. */
  PlatformSummary(Platform platform, EventCounter events) {
    this.platform = platform;
    this.events = events;
  }

  /**
   * Each gateway's tasks per cut since it started ({@code bdt_inference_cut_total}), e.g. {@code
   * gw1 {12=40} gw2 {0=9, 37=20}}; a gateway that does not answer shows {@code ?}.
   */
  private String cutsSinceStart() {
    StringBuilder out = new StringBuilder();
    for (ServiceProcess gw : platform.gatewayProcesses()) {
      String histogram;
      try {
        Map<Integer, Long> cuts =
            GatewayMetrics.scrape(platform.http(), gw.baseUrl(), platform.adminToken()).cuts();
        histogram = cuts.isEmpty() ? "-" : new TreeMap<>(cuts).toString();
      } catch (java.io.IOException e) {
        histogram = "?";
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        histogram = "?";
      }
      out.append(out.isEmpty() ? "" : " ").append(gw.name()).append(' ').append(histogram);
    }
    return out.isEmpty() ? "-" : out.toString();
  }

  String line(double elapsed) {
    long now = System.nanoTime();
    double dt = Math.max(1e-3, (now - lastNanos) / 1e9);
    lastNanos = now;
    long published = platform.fleet().published();
    long height = 0;
    StringBuilder reputations = new StringBuilder();
    StringBuilder served = new StringBuilder();
    for (Platform.ApSnapshot s : platform.apStatus()) {
      JsonNode st = s.status();
      if (st == null) {
        reputations.append(' ').append(s.name()).append(" down");
        continue;
      }
      height = Math.max(height, st.path("blockHeight").asLong());
      double reputation = st.path("reputation").asDouble();
      average.record(elapsed, s.name(), reputation);
      reputations.append(String.format(Locale.ROOT, " %s %.3f", s.name(), reputation));
      served.append(' ').append(s.name()).append(' ').append(st.path("served").asLong());
    }
    String mean = average.format();
    if (!mean.isEmpty()) {
      reputations.append(
          String.format(Locale.ROOT, " (mean after %.0f s: %s)", average.warmUpSeconds(), mean));
    }
    // each twin's health holds its latest task: slot, measured and predicted latency
    String cuts = cutsSinceStart();
    double measured = 0;
    double predicted = 0;
    int twins = 0;
    long tasks = 0;
    for (ServiceProcess gw : platform.gatewayProcesses()) {
      JsonNode all = platform.getJson(gw.baseUrl() + "/twins");
      if (all == null) {
        continue;
      }
      for (JsonNode twin : all) {
        JsonNode health = twin.at("/features/health/properties");
        if (health.isMissingNode()) {
          continue;
        }
        String id = twin.path("thingId").asText();
        long slot = health.path("slot").asLong();
        Long seen = lastSlot.put(id, slot);
        tasks += seen == null ? 0 : Math.max(0, slot - seen);
        measured += health.path("measuredLatency").asDouble();
        predicted += health.path("predictedLatency").asDouble();
        twins++;
      }
    }
    String line =
        String.format(
            Locale.ROOT,
            "[%4.0f s] devices %d | msgs/s %.1f | inferences/s %.1f | events/s %s | cuts %s |"
                + " latency %s | block %d | served%s | reputation%s",
            elapsed,
            platform.fleet().devices().size(),
            (published - lastPublished) / dt,
            tasks / dt,
            events == null
                ? "-"
                : String.format(Locale.ROOT, "%.1f", (events.count() - lastEvents) / dt),
            cuts,
            twins == 0
                ? "-"
                : String.format(
                    Locale.ROOT,
                    "%.2f ms (predicted %.2f ms)",
                    measured / twins * 1000,
                    predicted / twins * 1000),
            height,
            served,
            reputations);
    lastPublished = published;
    lastEvents = events == null ? 0 : events.count();
    return line;
  }
}
