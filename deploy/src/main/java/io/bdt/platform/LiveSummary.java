package io.bdt.platform;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bdt.optimizer.report.Charts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes {@code live-summary.json} and the charts of a live reproduction: per algorithm the mean
 * measured and predicted latency per task, each AP's time-average reputation after the warm-up
 * (read as the ledger's rule makes it each second, {@code CurrentReputation}), whether every AP
 * keeps {@code R_min}, the cut histogram and the task count (docs/reproduction.md, "Live").
 */
final class LiveSummary {

  static final String FILE = "live-summary.json";

  /** Every measured task of every run: algorithm, gateway, model, cut, measured, predicted. */
  static final String TASKS_FILE = "live-tasks.csv";

  /** Median measured against median predicted latency per (gateway, model, cut). */
  static final String ERRORS_FILE = "live-prediction-error.csv";

  /**
   * The pooled rows of {@link #ERRORS_FILE} as benchmarks.md's markdown table ({@link
   * PerCutTable}).
   */
  static final String TABLE_FILE = "live-prediction-error.md";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private LiveSummary() {}

  /**
   * One algorithm's entry.
   *
   * @param run the run's measurements
   * @param apReputation each AP's time-average {@code R_m} after the warm-up
   * @param constraintSatisfied whether every AP's time-average is at least {@code R_min}
   * @param loadAverage the machine's 1-minute load average when the run ended
   */
  record Entry(
      LiveRun.Result run, double[] apReputation, boolean constraintSatisfied, double loadAverage) {

    /** The entry of {@code run}: time averages from {@code warmUpSeconds} on. */
    static Entry of(LiveRun.Result run, double warmUpSeconds, double rMin, double loadAverage) {
      double[] average = run.timeAverageReputation(warmUpSeconds);
      boolean kept = true;
      for (double r : average) {
        kept &= r >= rMin;
      }
      return new Entry(run, average, kept, loadAverage);
    }
  }

  /**
   * Writes {@code out/live-summary.json} and the charts for the runs so far; {@code header} holds
   * the command, machine, date, fleet and parameters.
   */
  static void write(
      Path out, ObjectNode header, List<Entry> entries, double rMin, double warmUpSeconds)
      throws IOException {
    Files.createDirectories(out);
    ObjectNode root = header.deepCopy();
    ArrayNode algorithms = root.putArray("algorithms");
    for (Entry e : entries) {
      GatewayMetrics t = e.run().tasks();
      ObjectNode a = algorithms.addObject();
      a.put("name", e.run().policy());
      a.put("measuredMeanLatencySeconds", t.meanMeasuredSeconds());
      a.put("predictedMeanLatencySeconds", t.meanPredictedSeconds());
      ArrayNode reputation = a.putArray("apReputation");
      for (double r : e.apReputation()) {
        reputation.add(r);
      }
      a.put("constraintSatisfied", e.constraintSatisfied());
      ObjectNode cuts = a.putObject("cuts");
      e.run()
          .cutsByModel()
          .forEach(
              (model, perCut) -> {
                ObjectNode m = cuts.putObject(model);
                perCut.forEach((k, v) -> m.put(Integer.toString(k), v));
              });
      a.put("tasks", t.measuredTasks());
      ArrayNode gateways = a.putArray("gateways");
      for (LiveRun.GatewayRun g : e.run().gateways()) {
        ObjectNode gw = gateways.addObject();
        gw.put("name", g.name());
        gw.put("model", g.model());
        gw.put("computeScale", g.computeScale());
        gw.put("tasks", g.tasks().measuredTasks());
        gw.put("measuredMeanLatencySeconds", g.tasks().meanMeasuredSeconds());
        gw.put("predictedMeanLatencySeconds", g.tasks().meanPredictedSeconds());
        ObjectNode gwCuts = gw.putObject("cuts");
        g.tasks().cuts().forEach((k, v) -> gwCuts.put(Integer.toString(k), v));
        gw.put("coordinatedSlots", g.tasks().coordinatedSlots());
        gw.put("localFallbackSlots", g.tasks().localSlots());
      }
      a.put("tasksReadFromTwins", e.run().taskList().size());
      a.put(
          "tasksRunLocallyAfterAFailedOffload",
          e.run().taskList().stream().filter(x -> !x.ranAsPlanned()).count());
      ArrayNode errors = a.putArray("predictionErrorPerCut");
      for (PredictionError pe : PredictionError.perCut(e.run().taskList())) {
        errors.add(errorJson(pe));
      }
      a.put("coordinatedSlots", t.coordinatedSlots());
      a.put("localFallbackSlots", t.localSlots());
      a.put("startSeconds", e.run().startSeconds());
      // D^C measured: the chain's mean block interval over the measured window
      a.put("blocksInMeasuredWindow", e.run().blocks());
      finite(a, "meanBlockIntervalSeconds", e.run().meanBlockIntervalSeconds());
      a.put("loadAverageAtEnd", e.loadAverage());
      ObjectNode series = a.putObject("reputationOverTime");
      ArrayNode seconds = series.putArray("seconds");
      int aps = e.apReputation().length;
      ArrayNode[] perAp = new ArrayNode[aps];
      for (int m = 0; m < aps; m++) {
        perAp[m] = series.putArray("ap" + m);
      }
      for (LiveRun.ReputationSample s : e.run().reputation()) {
        seconds.add(Math.round(s.seconds() * 1000) / 1000.0);
        for (int m = 0; m < aps; m++) {
          perAp[m].add(Math.round(s.reputation()[m] * 1e6) / 1e6);
        }
      }
    }
    List<TaskHistory.Task> all = new ArrayList<>();
    entries.forEach(e -> all.addAll(e.run().taskList()));
    ArrayNode pooled = root.putArray("predictionErrorPerCutAllAlgorithms");
    for (PredictionError pe : PredictionError.perCut(all)) {
      pooled.add(errorJson(pe));
    }
    JSON.writeValue(out.resolve(FILE).toFile(), root);
    writeTasks(out.resolve(TASKS_FILE), entries);
    Map<String, Double> classes = classes(entries);
    writeErrors(out.resolve(ERRORS_FILE), entries, all, classes);
    Files.writeString(
        out.resolve(TABLE_FILE),
        PerCutTable.markdown(PredictionError.perCut(all), classes, entries, rMin, warmUpSeconds));
    charts(out, entries, rMin);
  }

  private static ObjectNode errorJson(PredictionError pe) {
    ObjectNode o = JSON.createObjectNode();
    o.put("gateway", pe.gateway());
    o.put("model", pe.model());
    o.put("cut", pe.cut());
    o.put("tasks", pe.tasks());
    o.put("measuredMedianSeconds", pe.measuredMedianSeconds());
    o.put("predictedMedianSeconds", pe.predictedMedianSeconds());
    o.put("error", pe.error());
    o.put("coldStartTasks", pe.coldStartTasks());
    finite(o, "coldStartMeasuredMedianSeconds", pe.coldStartMeasuredMedianSeconds());
    finite(o, "coldStartError", pe.coldStartError());
    return o;
  }

  /** {@code key: v}, or {@code key: null} when {@code v} is not finite (JSON has no NaN). */
  private static void finite(ObjectNode o, String key, double v) {
    if (Double.isFinite(v)) {
      o.put(key, v);
    } else {
      o.putNull(key);
    }
  }

  /** One line per task read from the twins: the raw data of the per-cut errors. */
  private static void writeTasks(Path file, List<Entry> entries) throws IOException {
    StringBuilder csv =
        new StringBuilder(
            "algorithm,gateway,model,device,slot,taskId,cut,plannedCut,measuredSeconds,"
                + "predictedSeconds,coldStartSeconds,headSeconds,apSeconds\n");
    for (Entry e : entries) {
      for (TaskHistory.Task t : e.run().taskList()) {
        csv.append(
            String.format(
                Locale.ROOT,
                "%s,%s,%s,%s,%d,%s,%d,%d,%.6f,%.6f,%.6f,%.6f,%.6f%n",
                e.run().policy(),
                t.gateway(),
                t.model(),
                t.device(),
                t.slot(),
                t.taskId(),
                t.cut(),
                t.plannedCut(),
                t.measuredSeconds(),
                t.predictedSeconds(),
                t.coldStartSeconds(),
                t.headSeconds(),
                t.apSeconds()));
      }
    }
    Files.writeString(file, csv);
  }

  /** Each gateway's compute class by name (the same fleet in every run). */
  private static Map<String, Double> classes(List<Entry> entries) {
    Map<String, Double> out = new LinkedHashMap<>();
    entries.forEach(
        e -> e.run().gateways().forEach(g -> out.putIfAbsent(g.name(), g.computeScale())));
    return out;
  }

  /** Per (gateway, model, cut): per algorithm, then pooled over all of them ({@code all}). */
  private static void writeErrors(
      Path file, List<Entry> entries, List<TaskHistory.Task> all, Map<String, Double> classes)
      throws IOException {
    StringBuilder csv =
        new StringBuilder(
            "algorithms,gateway,computeScale,model,cut,tasks,measuredMedianMs,predictedMedianMs,"
                + "error,coldStartTasks,coldStartMeasuredMedianMs,coldStartPredictedMedianMs,"
                + "coldStartError\n");
    Map<String, List<TaskHistory.Task>> scopes = new LinkedHashMap<>();
    entries.forEach(e -> scopes.put(e.run().policy(), e.run().taskList()));
    scopes.put("all", all);
    scopes.forEach(
        (scope, tasks) -> {
          for (PredictionError pe : PredictionError.perCut(tasks)) {
            csv.append(
                String.format(
                    Locale.ROOT,
                    "%s,%s,%s,%s,%d,%d,%.3f,%.3f,%.4f,%d,%.3f,%.3f,%.4f%n",
                    scope,
                    pe.gateway(),
                    classes.getOrDefault(pe.gateway(), Double.NaN),
                    pe.model(),
                    pe.cut(),
                    pe.tasks(),
                    pe.measuredMedianSeconds() * 1000,
                    pe.predictedMedianSeconds() * 1000,
                    pe.error(),
                    pe.coldStartTasks(),
                    pe.coldStartMeasuredMedianSeconds() * 1000,
                    pe.coldStartPredictedMedianSeconds() * 1000,
                    pe.coldStartError()));
          }
        });
    Files.writeString(file, csv);
  }

  private static void charts(Path out, List<Entry> entries, double rMin) throws IOException {
    Map<String, Map<String, Double>> latency = new LinkedHashMap<>();
    Map<String, Double> measured = new LinkedHashMap<>();
    Map<String, Double> predicted = new LinkedHashMap<>();
    for (Entry e : entries) {
      String label = e.run().policy() + (e.constraintSatisfied() ? "" : "*");
      measured.put(label, finiteOrZero(e.run().tasks().meanMeasuredSeconds() * 1000));
      predicted.put(label, finiteOrZero(e.run().tasks().meanPredictedSeconds() * 1000));
    }
    latency.put("measured", measured);
    Charts.groupedBars(
        "Live: mean measured latency per task",
        "algorithm (* = an AP's time-average reputation below R_min)",
        "latency per task (ms)",
        latency,
        out.resolve("live-latency-per-algorithm.png"));
    Map<String, Map<String, Double>> both = new LinkedHashMap<>();
    both.put("measured", measured);
    both.put("predicted (the policy's SlotCost)", predicted);
    Charts.groupedBars(
        "Live: measured vs predicted latency per task",
        "algorithm",
        "latency per task (ms)",
        both,
        out.resolve("live-measured-vs-predicted.png"));
    for (Entry e : entries) {
      List<LiveRun.ReputationSample> samples = e.run().reputation();
      double[] xs = samples.stream().mapToDouble(LiveRun.ReputationSample::seconds).toArray();
      Map<String, double[][]> lines = new LinkedHashMap<>();
      for (int m = 0; m < e.apReputation().length; m++) {
        int ap = m;
        double[] ys = samples.stream().mapToDouble(s -> s.reputation()[ap]).toArray();
        lines.put(
            String.format(java.util.Locale.ROOT, "ap%d (avg %.3f)", m, e.apReputation()[m]),
            new double[][] {xs, ys});
      }
      Charts.lines(
          "Live " + e.run().policy() + ": reputation R_m per AP (ledger's rule, decayed)",
          "seconds since the platform was up",
          "R_m",
          lines,
          rMin,
          "R_min = " + rMin,
          out.resolve("live-reputation-" + e.run().policy() + ".png"));
    }
  }

  private static double finiteOrZero(double v) {
    return Double.isFinite(v) ? v : 0;
  }
}
