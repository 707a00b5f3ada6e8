package io.bdt.platform.latency;

import io.bdt.optimizer.cost.CostTable;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Writes the per-cut latency results: {@code latency.csv} (one row per cut), {@code
 * latency-tasks.csv} (one row per task) and {@code latency.png} (measured median and p90, predicted
 * and calibrated latency per cut, milliseconds on a log axis).
 */
public final class LatencyReport {

  static {
    System.setProperty("java.awt.headless", "true");
  }

  /** Columns of the per-task rows handed to {@link #write}. */
  public static final String TASK_HEADER =
      "cut,calibration,head_s,offload_round_trip_s,ap_compute_s,total_s,predicted_s,uplink_rate_bps,"
          + "predicted_mixed_ewma_s,predicted_live_s,live_uplink_rate_bps,live_gateway_flops,"
          + "live_head_run_s,live_offload_s";

  private LatencyReport() {}

  /** Writes the three files into {@code dir}. */
  public static void write(
      Path dir, CostTable table, List<CutLatency> cuts, List<List<String>> taskRows)
      throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add(
        "cut,label,head_flops,tail_flops,bits,tasks,measured_median_s,measured_p90_s,"
            + "measured_mean_s,predicted_median_s,error,predicted_mixed_ewma_median_s,mixed_error,"
            + "calibrated_s,calibrated_error,first_task_s,predicted_live_median_s,live_error");
    for (CutLatency c : cuts) {
      CostTable.Cut cut = table.cut(c.cut());
      lines.add(
          String.format(
              Locale.ROOT,
              "%d,%s,%.0f,%.0f,%.0f,%d,%.6g,%.6g,%.6g,%.6g,%.4f,%.6g,%.4f,%.6g,%.4f,%.6g,%.6g,%.4f",
              c.cut(),
              cut.label().replace(',', ';'),
              cut.headFlops(),
              cut.tailFlops(),
              cut.bits(),
              c.measured().length,
              c.measuredMedian(),
              c.measuredP90(),
              c.measuredMean(),
              c.predictedMedian(),
              c.error(),
              CutLatency.quantile(c.predictedMixed(), 0.5),
              c.mixedError(),
              c.calibrated(),
              c.calibratedError(),
              c.firstTask(),
              CutLatency.quantile(c.predictedLive(), 0.5),
              c.liveError()));
    }
    Files.write(dir.resolve("latency.csv"), lines);
    List<String> tasks = new ArrayList<>();
    tasks.add(TASK_HEADER);
    taskRows.forEach(r -> tasks.add(String.join(",", r)));
    Files.write(dir.resolve("latency-tasks.csv"), tasks);
    chart(cuts, dir.resolve("latency.png"));
  }

  private static void chart(List<CutLatency> cuts, Path png) throws IOException {
    XYSeries median = new XYSeries("measured median");
    XYSeries p90 = new XYSeries("measured p90");
    XYSeries predicted = new XYSeries("predicted (optimizer, configured inputs)");
    XYSeries mixed = new XYSeries("predicted (optimizer, one uplink EWMA over all cuts)");
    XYSeries calibrated = new XYSeries("predicted (calibrated: fixed costs + fitted rates)");
    XYSeries live = new XYSeries("predicted (live gateway: running fits, fixed costs in SlotCost)");
    for (CutLatency c : cuts) {
      median.add(c.cut(), c.measuredMedian() * 1e3);
      p90.add(c.cut(), c.measuredP90() * 1e3);
      predicted.add(c.cut(), c.predictedMedian() * 1e3);
      mixed.add(c.cut(), CutLatency.quantile(c.predictedMixed(), 0.5) * 1e3);
      live.add(c.cut(), CutLatency.quantile(c.predictedLive(), 0.5) * 1e3);
      if (Double.isFinite(c.calibrated())) {
        calibrated.add(c.cut(), c.calibrated() * 1e3);
      }
    }
    XYSeriesCollection data = new XYSeriesCollection();
    data.addSeries(median);
    data.addSeries(p90);
    data.addSeries(predicted);
    data.addSeries(mixed);
    data.addSeries(calibrated);
    data.addSeries(live);
    JFreeChart chart =
        ChartFactory.createXYLineChart(
            "Vibration model: end-to-end latency per cut, measured vs predicted",
            "cut k (0 = full offload, " + (cuts.size() - 1) + " = fully local)",
            "latency per task (ms)",
            data);
    XYPlot plot = chart.getXYPlot();
    LogAxis y = new LogAxis("latency per task (ms, log scale)");
    y.setSmallestValue(1e-4);
    y.setTickUnit(new NumberTickUnit(0.2)); // in powers of 10: 1, 1.6, 2.5, 4, 6.3, 10 ...
    y.setNumberFormatOverride(new java.text.DecimalFormat("0.###"));
    plot.setRangeAxis(y);
    NumberAxis x = (NumberAxis) plot.getDomainAxis();
    x.setTickUnit(new NumberTickUnit(1));
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
    Color[] colors = {
      new Color(0x1f77b4),
      new Color(0xaec7e8),
      new Color(0xd62728),
      new Color(0xff9896),
      new Color(0x2ca02c),
      new Color(0x9467bd)
    };
    for (int s = 0; s < colors.length; s++) {
      renderer.setSeriesPaint(s, colors[s]);
      renderer.setSeriesStroke(s, new BasicStroke(2f));
    }
    plot.setRenderer(renderer);
    chart.setBackgroundPaint(Color.WHITE);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    ChartUtils.saveChartAsPNG(png.toFile(), chart, 900, 500);
  }

  /**
   * Prints the per-cut table a run ends with: measured median, p90 and mean, and each prediction
   * with its error against the measured median, milliseconds.
   */
  public static void printTable(PrintStream log, List<CutLatency> cuts) {
    log.println(
        "cut | measured median / p90 / mean (ms) | predicted median (ms) | error | mixed-EWMA"
            + " prediction (ms) | error | calibrated (ms) | error | live gateway's prediction (ms)"
            + " | error | first task (ms)");
    for (CutLatency c : cuts) {
      log.printf(
          Locale.ROOT,
          "%3d | %.3f / %.3f / %.3f | %.4f | %+.0f%% | %.4f | %+.0f%% | %.3f | %+.0f%% | %.3f |"
              + " %+.0f%% | %.1f%n",
          c.cut(),
          c.measuredMedian() * 1e3,
          c.measuredP90() * 1e3,
          c.measuredMean() * 1e3,
          c.predictedMedian() * 1e3,
          c.error() * 100,
          CutLatency.quantile(c.predictedMixed(), 0.5) * 1e3,
          c.mixedError() * 100,
          c.calibrated() * 1e3,
          c.calibratedError() * 100,
          CutLatency.quantile(c.predictedLive(), 0.5) * 1e3,
          c.liveError() * 100,
          c.firstTask() * 1e3);
    }
  }
}
