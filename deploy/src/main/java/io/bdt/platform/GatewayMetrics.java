package io.bdt.platform;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The inference counters of one or more gateways, read from their Prometheus text ({@code
 * /q/metrics}): every finished task's measured and predicted latency per sample (sums in seconds
 * and counts), the tasks per cut {@code k}, and the slots decided by the slot coordinator or
 * locally. Counters only grow, so the difference of two readings is what happened in between.
 *
 * @param measuredSeconds sum of measured task latencies, seconds
 * @param measuredTasks tasks with a measured latency
 * @param predictedSeconds sum of the predicted latencies per sample of those tasks, seconds
 * @param predictedTasks tasks with a prediction
 * @param cuts tasks assigned to each cut {@code k}
 * @param coordinatedSlots slots the slot coordinator decided
 * @param localSlots slots the gateway decided locally (no coordinator answered)
 */
record GatewayMetrics(
    double measuredSeconds,
    long measuredTasks,
    double predictedSeconds,
    long predictedTasks,
    Map<Integer, Long> cuts,
    long coordinatedSlots,
    long localSlots) {

  static final GatewayMetrics NONE = new GatewayMetrics(0, 0, 0, 0, Map.of(), 0, 0);

  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)\\})?\\s+(\\S+)");
  private static final Pattern CUT = Pattern.compile("cut=\"(\\d+)\"");
  private static final Pattern SOURCE = Pattern.compile("source=\"([^\"]+)\"");

  GatewayMetrics {
    cuts = Map.copyOf(cuts);
  }

  /** The counters in a Prometheus text exposition (unknown lines are skipped). */
  static GatewayMetrics parse(String text) {
    double measured = 0;
    double predicted = 0;
    long measuredCount = 0;
    long predictedCount = 0;
    long coordinated = 0;
    long local = 0;
    Map<Integer, Long> cuts = new TreeMap<>();
    for (String line : text.split("\n")) {
      Matcher m = SAMPLE.matcher(line);
      if (line.startsWith("#") || !m.find()) {
        continue;
      }
      String labels = m.group(3) == null ? "" : m.group(3);
      double value = Double.parseDouble(m.group(4));
      switch (m.group(1)) {
        case "bdt_inference_latency_measured_seconds_sum" -> measured += value;
        case "bdt_inference_latency_measured_seconds_count" -> measuredCount += (long) value;
        case "bdt_inference_latency_predicted_seconds_sum" -> predicted += value;
        case "bdt_inference_latency_predicted_seconds_count" -> predictedCount += (long) value;
        case "bdt_inference_cut_total" -> {
          Matcher cut = CUT.matcher(labels);
          if (cut.find()) {
            cuts.merge(Integer.parseInt(cut.group(1)), (long) value, Long::sum);
          }
        }
        case "bdt_dpra_decisions_total" -> {
          Matcher source = SOURCE.matcher(labels);
          String by = source.find() ? source.group(1) : "";
          if (by.equals("coordinator")) {
            coordinated += (long) value;
          } else if (by.equals("local-fallback")) {
            local += (long) value;
          }
        }
        default -> {}
      }
    }
    return new GatewayMetrics(
        measured, measuredCount, predicted, predictedCount, cuts, coordinated, local);
  }

  /**
   * Reads {@code baseUrl}'s {@code /q/metrics} with {@code token} (metrics-reader or operator).
   *
   * @throws IOException when the gateway does not answer 200
   */
  static GatewayMetrics scrape(HttpClient http, String baseUrl, String token)
      throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(baseUrl + "/q/metrics"))
                .header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException(baseUrl + "/q/metrics answered " + r.statusCode());
    }
    return parse(r.body());
  }

  /** Both readings added (two gateways). */
  GatewayMetrics plus(GatewayMetrics o) {
    Map<Integer, Long> sum = new TreeMap<>(cuts);
    o.cuts.forEach((k, v) -> sum.merge(k, v, Long::sum));
    return new GatewayMetrics(
        measuredSeconds + o.measuredSeconds,
        measuredTasks + o.measuredTasks,
        predictedSeconds + o.predictedSeconds,
        predictedTasks + o.predictedTasks,
        sum,
        coordinatedSlots + o.coordinatedSlots,
        localSlots + o.localSlots);
  }

  /** What happened since the {@code earlier} reading of the same gateways. */
  GatewayMetrics since(GatewayMetrics earlier) {
    Map<Integer, Long> diff = new TreeMap<>();
    cuts.forEach(
        (k, v) -> {
          long d = v - earlier.cuts.getOrDefault(k, 0L);
          if (d > 0) {
            diff.put(k, d);
          }
        });
    return new GatewayMetrics(
        measuredSeconds - earlier.measuredSeconds,
        measuredTasks - earlier.measuredTasks,
        predictedSeconds - earlier.predictedSeconds,
        predictedTasks - earlier.predictedTasks,
        diff,
        coordinatedSlots - earlier.coordinatedSlots,
        localSlots - earlier.localSlots);
  }

  /** Mean measured latency per task, seconds (NaN without tasks). */
  double meanMeasuredSeconds() {
    return measuredTasks == 0 ? Double.NaN : measuredSeconds / measuredTasks;
  }

  /** Mean predicted latency per task, seconds (NaN without tasks). */
  double meanPredictedSeconds() {
    return predictedTasks == 0 ? Double.NaN : predictedSeconds / predictedTasks;
  }
}
