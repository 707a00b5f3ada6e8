package io.bdt.optimizer.report;

import io.bdt.optimizer.sim.AlgorithmRun;
import io.bdt.optimizer.sim.AlgorithmSummary;
import io.bdt.optimizer.sim.SlotOutcome;
import io.bdt.optimizer.sim.Sweep;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Draws the reproduction charts as PNG files with JFreeChart, headless (no display needed).
 *
 * <p>Latencies are seconds; reputation is dimensionless. Time series are thinned to at most {@link
 * #MAX_POINTS} points per line so that long runs still give small files.
 */
public final class Charts {

  /** Default image size in pixels. */
  public static final int WIDTH = 900;

  public static final int HEIGHT = 500;

  /** Most points drawn per time-series line. */
  public static final int MAX_POINTS = 500;

  static {
    // Charts render into images only; without this, AWT looks for a display and fails on servers.
    System.setProperty("java.awt.headless", "true");
  }

  /** Distinct colours that stay readable on white (Tableau 10). */
  private static final Color[] PALETTE = {
    new Color(0x1f77b4),
    new Color(0xd62728),
    new Color(0x2ca02c),
    new Color(0xff7f0e),
    new Color(0x9467bd),
    new Color(0x8c564b),
    new Color(0xe377c2),
    new Color(0x7f7f7f),
  };

  private Charts() {}

  /**
   * Time-average latency (left axis) and mean queue backlog (right axis) of one algorithm against
   * {@code V} on a log axis: the {@code O(1/V)} / {@code O(V)} trade-off.
   */
  public static void latencyAndBacklogVersusV(Sweep sweep, String algorithm, Path png)
      throws IOException {
    XYSeries latency = new XYSeries("time-average latency (s)");
    XYSeries backlog = new XYSeries("time-average backlog sum_m Q_m");
    for (Sweep.Point point : sweep.points()) {
      AlgorithmSummary summary = point.algorithm(algorithm);
      latency.add(point.value(), summary.meanLatencySeconds());
      backlog.add(point.value(), summary.meanBacklog());
    }
    JFreeChart chart =
        ChartFactory.createXYLineChart(
            algorithm + ": latency and queue backlog vs V",
            "V",
            "time-average latency (s)",
            new XYSeriesCollection(latency));
    XYPlot plot = chart.getXYPlot();
    LogAxis vAxis = new LogAxis("V (log scale)");
    vAxis.setSmallestValue(1e-9);
    vAxis.setTickUnit(new NumberTickUnit(1.0));
    vAxis.setNumberFormatOverride(new DecimalFormat("#,##0.####"));
    plot.setDomainAxis(vAxis);
    NumberAxis latencyAxis = (NumberAxis) plot.getRangeAxis();
    latencyAxis.setAutoRangeIncludesZero(false);
    NumberAxis backlogAxis = new NumberAxis("time-average backlog");
    plot.setRangeAxis(1, backlogAxis);
    plot.setDataset(1, new XYSeriesCollection(backlog));
    plot.mapDatasetToRangeAxis(1, 1);
    plot.setRenderer(0, lines(new Color(0x1f77b4)));
    plot.setRenderer(1, lines(new Color(0xd62728)));
    chart.addSubtitle(
        new TextTitle(
            sweep.slots() + " slots per point", new Font(Font.SANS_SERIF, Font.PLAIN, 11)));
    save(chart, png);
  }

  /**
   * Time-average latency per algorithm as bars; algorithms that miss the reputation floor are
   * marked with {@code *}.
   */
  public static void latencyPerAlgorithm(List<AlgorithmSummary> summaries, int slots, Path png)
      throws IOException {
    DefaultCategoryDataset dataset = new DefaultCategoryDataset();
    for (AlgorithmSummary summary : summaries) {
      String label = summary.name() + (summary.constraintSatisfied() ? "" : "*");
      dataset.addValue(summary.meanInferenceLatencySeconds(), "task latency sum D_n", label);
      dataset.addValue(summary.meanConsensusLatencySeconds(), "consensus latency D^C", label);
    }
    JFreeChart chart =
        ChartFactory.createStackedBarChart(
            "Time-average latency per algorithm (" + slots + " slots)",
            "algorithm (* = violates the reputation floor R_min)",
            "time-average latency (s)",
            dataset,
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    saveBars(chart, List.of(new Color(0x1f77b4), new Color(0xff7f0e)), png);
  }

  /**
   * Each AP's running time-average reputation {@code (1/t) sum_{s<t} R_m(s+1)} for the given runs
   * (the first solid, the others dashed; one colour per AP), against the {@code R_min} line: the
   * long-term constraint holds when every line ends above it.
   */
  public static void reputationOverTime(List<AlgorithmRun> runs, double rMin, Path png)
      throws IOException {
    XYSeriesCollection dataset = new XYSeriesCollection();
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
    int series = 0;
    for (int r = 0; r < runs.size(); r++) {
      AlgorithmRun run = runs.get(r);
      List<SlotOutcome> slots = run.slots();
      int aps = slots.get(0).reputation().length;
      int step = Math.max(1, slots.size() / MAX_POINTS);
      for (int m = 0; m < aps; m++, series++) {
        XYSeries line = new XYSeries(run.name() + " AP " + (m + 1));
        double sum = 0;
        for (int t = 0; t < slots.size(); t++) {
          sum += slots.get(t).reputation()[m];
          if (t % step == 0 || t == slots.size() - 1) {
            line.add(t + 1, sum / (t + 1));
          }
        }
        dataset.addSeries(line);
        renderer.setSeriesPaint(series, PALETTE[m % PALETTE.length]);
        renderer.setSeriesStroke(
            series,
            r == 0
                ? new BasicStroke(2f)
                : new BasicStroke(
                    1.5f,
                    BasicStroke.CAP_BUTT,
                    BasicStroke.JOIN_MITER,
                    1f,
                    new float[] {6f, 4f},
                    0f));
      }
    }
    String names = String.join(" (solid), ", runs.stream().map(AlgorithmRun::name).toList());
    JFreeChart chart =
        ChartFactory.createXYLineChart(
            "Running time-average reputation per AP", "slot t", "(1/t) sum R_m", dataset);
    chart.addSubtitle(
        new TextTitle(
            names + (runs.size() > 1 ? " (dashed)" : " (solid)"),
            new Font(Font.SANS_SERIF, Font.PLAIN, 11)));
    XYPlot plot = chart.getXYPlot();
    plot.setRenderer(renderer);
    addFloor(plot, rMin, "R_min = " + rMin);
    save(chart, png);
  }

  /** Time-average latency of every algorithm against the swept parameter. */
  public static void latencyVersusParameter(
      Sweep sweep, String axisLabel, double unitScale, Path png) throws IOException {
    XYSeriesCollection dataset = new XYSeriesCollection();
    List<AlgorithmSummary> first = sweep.points().get(0).algorithms();
    for (AlgorithmSummary algorithm : first) {
      XYSeries series = new XYSeries(algorithm.name());
      for (Sweep.Point point : sweep.points()) {
        double latency = point.algorithm(algorithm.name()).meanLatencySeconds();
        if (Double.isFinite(latency)) {
          series.add(point.value() / unitScale, latency);
        }
      }
      dataset.addSeries(series);
    }
    JFreeChart chart =
        ChartFactory.createXYLineChart(
            "Time-average latency vs " + sweep.parameter() + " (" + sweep.slots() + " slots)",
            axisLabel,
            "time-average latency (s)",
            dataset);
    XYPlot plot = chart.getXYPlot();
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
    for (int i = 0; i < first.size(); i++) {
      renderer.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
      renderer.setSeriesStroke(i, new BasicStroke(2f));
    }
    plot.setRenderer(renderer);
    LogAxis latencyAxis = new LogAxis("time-average latency (s, log scale)");
    latencyAxis.setSmallestValue(1e-6);
    latencyAxis.setNumberFormatOverride(new DecimalFormat("0.0#"));
    plot.setRangeAxis(latencyAxis);
    ((NumberAxis) plot.getDomainAxis()).setAutoRangeIncludesZero(false);
    save(chart, png);
  }

  /**
   * Bars of {@code values} (series -> category -> value) grouped by category, e.g. measured and
   * predicted latency per algorithm of a live run.
   */
  public static void groupedBars(
      String title,
      String categoryLabel,
      String valueLabel,
      Map<String, Map<String, Double>> values,
      Path png)
      throws IOException {
    DefaultCategoryDataset dataset = new DefaultCategoryDataset();
    values.forEach(
        (series, byCategory) ->
            byCategory.forEach((category, value) -> dataset.addValue(value, series, category)));
    JFreeChart chart =
        ChartFactory.createBarChart(
            title,
            categoryLabel,
            valueLabel,
            dataset,
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    List<Color> colours = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      colours.add(PALETTE[i % PALETTE.length]);
    }
    saveBars(chart, colours, png);
  }

  /**
   * Saves a bar chart as {@code png}: flat bars (no gradient, no shadow), series {@code i} in
   * {@code colours.get(i)}, small category labels up to 1.6 category widths wide.
   */
  private static void saveBars(JFreeChart chart, List<Color> colours, Path png) throws IOException {
    CategoryPlot plot = chart.getCategoryPlot();
    BarRenderer renderer = (BarRenderer) plot.getRenderer();
    renderer.setBarPainter(new StandardBarPainter());
    renderer.setShadowVisible(false);
    for (int i = 0; i < colours.size(); i++) {
      renderer.setSeriesPaint(i, colours.get(i));
    }
    CategoryAxis categories = plot.getDomainAxis();
    categories.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
    categories.setMaximumCategoryLabelWidthRatio(1.6f);
    save(chart, png);
  }

  /**
   * Lines of {@code (x, y)} points ({@code lines}: name -> {@code [xs, ys]}), one colour each, with
   * a horizontal {@code floor} line labelled {@code floorLabel} (none when NaN).
   */
  public static void lines(
      String title,
      String xLabel,
      String yLabel,
      Map<String, double[][]> lines,
      double floor,
      String floorLabel,
      Path png)
      throws IOException {
    XYSeriesCollection dataset = new XYSeriesCollection();
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
    int i = 0;
    for (Map.Entry<String, double[][]> line : lines.entrySet()) {
      XYSeries series = new XYSeries(line.getKey());
      double[] xs = line.getValue()[0];
      double[] ys = line.getValue()[1];
      int step = Math.max(1, xs.length / MAX_POINTS);
      for (int p = 0; p < xs.length; p += step) {
        series.add(xs[p], ys[p]);
      }
      dataset.addSeries(series);
      renderer.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
      renderer.setSeriesStroke(i, new BasicStroke(2f));
      i++;
    }
    JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, yLabel, dataset);
    XYPlot plot = chart.getXYPlot();
    plot.setRenderer(renderer);
    if (!Double.isNaN(floor)) {
      addFloor(plot, floor, floorLabel);
    }
    save(chart, png);
  }

  /** A labelled horizontal line at {@code value}, e.g. the reputation floor. */
  private static void addFloor(XYPlot plot, double value, String label) {
    ValueMarker floor = new ValueMarker(value, Color.BLACK, new BasicStroke(1.5f));
    floor.setLabel(label);
    floor.setLabelFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
    floor.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.TOP_RIGHT);
    floor.setLabelTextAnchor(org.jfree.chart.ui.TextAnchor.BOTTOM_RIGHT);
    plot.addRangeMarker(floor);
  }

  private static XYLineAndShapeRenderer lines(Color color) {
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
    renderer.setSeriesPaint(0, color);
    renderer.setSeriesStroke(0, new BasicStroke(2f));
    return renderer;
  }

  private static void save(JFreeChart chart, Path png) throws IOException {
    chart.setBackgroundPaint(Color.WHITE);
    if (chart.getPlot() instanceof XYPlot xy) {
      xy.setBackgroundPaint(Color.WHITE);
      xy.setDomainGridlinePaint(Color.LIGHT_GRAY);
      xy.setRangeGridlinePaint(Color.LIGHT_GRAY);
    } else if (chart.getPlot() instanceof CategoryPlot category) {
      category.setBackgroundPaint(Color.WHITE);
      category.setRangeGridlinePaint(Color.LIGHT_GRAY);
    }
    ChartUtils.saveChartAsPNG(png.toFile(), chart, WIDTH, HEIGHT);
  }
}
