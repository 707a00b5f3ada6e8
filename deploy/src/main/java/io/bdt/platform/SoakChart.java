package io.bdt.platform;

import java.util.List;
import java.util.Locale;

/**
 * The HTML page of a soak run: an SVG chart of windows acked by the broker and windows in the
 * twins, per second between progress samples, each fault a vertical line with its kind; the totals
 * and the fault table under it. No scripts, no external resources.
 */
final class SoakChart {
  private static final int W = 900;
  private static final int H = 300;
  private static final int PAD = 40;

  private SoakChart() {}

  static String html(SoakReport r) {
    List<Soak.Sample> s = r.samples();
    double tMax = Math.max(1, r.ranSeconds());
    double rateMax = 1;
    for (int i = 1; i < s.size(); i++) {
      rateMax = Math.max(rateMax, Math.max(rate(s, i, true), rate(s, i, false)));
    }
    StringBuilder svg = new StringBuilder();
    svg.append(
        "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' font-family='sans-serif' font-size='11'>"
            .formatted(W, H + 20));
    svg.append(
        "<rect x='%d' y='%d' width='%d' height='%d' fill='none' stroke='#999'/>"
            .formatted(PAD, 10, W - 2 * PAD, H - PAD));
    for (SoakFaults.Fault f : r.faults()) {
      double x = x(f.at(), tMax);
      svg.append(
          "<line x1='%.1f' y1='10' x2='%.1f' y2='%d' stroke='#d33' stroke-dasharray='4 3'/>"
              .formatted(x, x, H - PAD + 10));
      svg.append(
          "<text x='%.1f' y='%d' fill='#d33' transform='rotate(-90 %.1f %d)'>%s</text>"
              .formatted(x + 3, 90, x + 3, 90, f.kind()));
    }
    svg.append(polyline(s, tMax, rateMax, true, "#36c"));
    svg.append(polyline(s, tMax, rateMax, false, "#3a3"));
    svg.append(
        "<text x='%d' y='%d'>0</text><text x='%d' y='%d'>%s</text>"
            .formatted(PAD, H - PAD + 25, W - PAD - 30, H - PAD + 25, Soak.clock(tMax)));
    svg.append("<text x='2' y='20'>%.1f/s</text>".formatted(rateMax));
    svg.append(
        "<text x='%d' y='%d' fill='#36c'>acked by the broker</text><text x='%d' y='%d' fill='#3a3'>in twins</text>"
            .formatted(PAD + 10, H + 10, PAD + 160, H + 10));
    svg.append("</svg>");
    StringBuilder rows = new StringBuilder();
    for (SoakFaults.Fault f : r.faults()) {
      rows.append(
          String.format(
              Locale.ROOT,
              "<tr><td>%s</td><td>%s</td><td>%s</td><td>%.1f</td><td>%s</td></tr>",
              Soak.clock(f.at()),
              f.kind(),
              f.target(),
              f.downSeconds(),
              f.recoveredAfterSeconds() < 0
                  ? "not recovered: " + escape(f.recovered())
                  : "%.1f s (%s)".formatted(f.recoveredAfterSeconds(), escape(f.recovered()))));
    }
    return """
        <!doctype html><html><head><meta charset='utf-8'><title>B-DT soak %s</title>
        <style>body{font-family:sans-serif;margin:2em}td,th{padding:2px 10px;text-align:left}</style>
        </head><body><h1>Soak run of %s</h1><p>%s</p>%s
        <h2>Faults</h2><table><tr><th>at</th><th>kind</th><th>target</th><th>down s</th><th>recovered</th></tr>%s</table>
        <p>Load average before %s, after %s. Windows per second between progress samples.</p>
        </body></html>
        """
        .formatted(
            r.startedAt(),
            r.startedAt(),
            escape(r.summary()),
            svg,
            rows,
            r.loadBefore(),
            r.loadAfter());
  }

  private static double rate(List<Soak.Sample> s, int i, boolean sent) {
    double dt = s.get(i).t() - s.get(i - 1).t();
    if (dt <= 0) {
      return 0;
    }
    long d =
        sent ? s.get(i).sent() - s.get(i - 1).sent() : s.get(i).inTwins() - s.get(i - 1).inTwins();
    return Math.max(0, d / dt);
  }

  private static String polyline(
      List<Soak.Sample> s, double tMax, double rateMax, boolean sent, String colour) {
    StringBuilder points = new StringBuilder();
    for (int i = 1; i < s.size(); i++) {
      double y = 10 + (H - PAD) * (1 - rate(s, i, sent) / rateMax);
      points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(s.get(i).t(), tMax), y));
    }
    return "<polyline fill='none' stroke='%s' stroke-width='1.5' points='%s'/>"
        .formatted(colour, points.toString().strip());
  }

  private static double x(double t, double tMax) {
    return PAD + (W - 2 * PAD) * Math.min(1, t / tMax);
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
