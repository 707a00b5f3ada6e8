package io.bdt.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./bdt bench-tables}: regenerates the tables of docs/benchmarks.md from the raw result
 * files {@code ./bench} keeps in {@code bench-results/}. A table is the text between {@code <!--
 * bench: FILE -->} and {@code <!-- /bench -->}; it is rewritten from FILE (path from the repository
 * root), with a line naming the file, its commit, JDK, cores and load averages, so each figure
 * points at its raw file.
 */
@Command(
    name = "bench-tables",
    mixinStandardHelpOptions = true,
    description = {
      "Regenerates the tables in docs/benchmarks.md from the raw results ./bench keeps in"
          + " bench-results/ (each table between <!-- bench: FILE --> and <!-- /bench -->).",
      "--check only reports tables that differ from their raw files (exit 1), for CI."
    })
public final class BenchTablesCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A generated table: its opening marker names the raw file; the closing marker ends it. */
  static final Pattern TABLE =
      Pattern.compile("(<!-- bench: (\\S+) -->\\n)(.*?)(<!-- /bench -->)", Pattern.DOTALL);

  @Option(names = "--root", description = "repository root (default: the working directory)")
  Path root = Path.of("");

  @Option(names = "--doc", description = "document to regenerate (default: docs/benchmarks.md)")
  Path doc = Path.of("docs/benchmarks.md");

  @Option(names = "--check", description = "report stale tables, change nothing")
  boolean check;

  @Override
  public Integer call() throws IOException {
    Path file = root.resolve(doc);
    String before = Files.readString(file, StandardCharsets.UTF_8);
    String after;
    try {
      after = regenerate(before, root);
    } catch (IllegalArgumentException e) {
      System.err.println("bench-tables: " + e.getMessage());
      return 2;
    }
    if (after.equals(before)) {
      System.out.println("bench-tables: " + doc + " is up to date with its raw files");
      return 0;
    }
    if (check) {
      System.err.println(
          "bench-tables: " + doc + " differs from its raw files; run ./bdt bench-tables");
      return 1;
    }
    Files.writeString(file, after, StandardCharsets.UTF_8);
    System.out.println("bench-tables: regenerated the tables of " + doc);
    return 0;
  }

  /**
   * {@code doc} with every table regenerated from its raw file under {@code root}.
   *
   * @throws IllegalArgumentException naming a raw file that is missing or not a result of ./bench
   */
  static String regenerate(String doc, Path root) throws IOException {
    Matcher m = TABLE.matcher(doc);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(2);
      Path raw = root.resolve(name);
      if (!Files.exists(raw)) {
        throw new IllegalArgumentException("raw file " + name + " (named in a table) is missing");
      }
      JsonNode result;
      try {
        result = JSON.readTree(raw.toFile());
      } catch (IOException e) {
        throw new IllegalArgumentException(name + " is not JSON: " + e.getMessage());
      }
      m.appendReplacement(
          out, Matcher.quoteReplacement(m.group(1) + table(result, name) + m.group(4)));
    }
    m.appendTail(out);
    return out.toString();
  }

  /**
   * The Markdown table(s) of one raw result file (JMH's, a {@code ./bench --main} benchmark's, or
   * {@code ./bdt bench-ingest}'s), and the line naming where it came from.
   */
  static String table(JsonNode result, String name) {
    String kind = result.path("kind").asText();
    StringBuilder t;
    if ("jmh".equals(kind) && result.path("results").isArray()) {
      t = jmhTable(result);
    } else if ("main".equals(kind) && result.path("results").path("tables").isArray()) {
      t = mainTables(result.path("results").path("tables"), name);
    } else if ("ingest".equals(kind) && result.path("results").isArray()) {
      t = new StringBuilder(IngestTable.rows(result));
    } else {
      throw new IllegalArgumentException(
          name
              + " is not a result kept by ./bench (a JMH result, or --main with \"tables\") or by"
              + " ./bdt bench-ingest");
    }
    return t.append(rawLine(result, name)).toString();
  }

  /**
   * The tables a {@code --main} benchmark gives: each {@code {"columns": [...], "rows": [[...]]}},
   * numbers shown to three significant figures, text as it is.
   */
  private static StringBuilder mainTables(JsonNode tables, String name) {
    StringBuilder t = new StringBuilder();
    for (JsonNode table : tables) {
      JsonNode columns = table.path("columns");
      if (!columns.isArray() || columns.isEmpty() || !table.path("rows").isArray()) {
        throw new IllegalArgumentException(
            name + ": a table needs \"columns\" (non-empty) and \"rows\"");
      }
      if (!t.isEmpty()) {
        t.append('\n');
      }
      StringBuilder rule = new StringBuilder("|");
      t.append('|');
      for (JsonNode c : columns) {
        t.append(' ').append(c.asText()).append(" |");
        rule.append("---|");
      }
      t.append('\n').append(rule).append('\n');
      for (JsonNode row : table.path("rows")) {
        if (row.size() != columns.size()) {
          throw new IllegalArgumentException(
              name + ": a row has " + row.size() + " cells for " + columns.size() + " columns");
        }
        t.append('|');
        for (JsonNode cell : row) {
          t.append(' ')
              .append(
                  cell.isIntegralNumber()
                      ? String.format(Locale.ROOT, "%,d", cell.asLong())
                      : cell.isNumber() ? figure(cell.asDouble()) : cell.asText())
              .append(" |");
        }
        t.append('\n');
      }
    }
    return t;
  }

  private static StringBuilder jmhTable(JsonNode result) {
    StringBuilder t = new StringBuilder();
    t.append("| benchmark | parameters | mode | score | ± (99.9%) | unit |\n");
    t.append("|---|---|---|---|---|---|\n");
    for (JsonNode r : result.path("results")) {
      String benchmark = r.path("benchmark").asText();
      benchmark =
          benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1);
      StringBuilder params = new StringBuilder();
      for (Iterator<Map.Entry<String, JsonNode>> it = r.path("params").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> p = it.next();
        params
            .append(params.isEmpty() ? "" : ", ")
            .append(p.getKey())
            .append('=')
            .append(p.getValue().asText());
      }
      JsonNode metric = r.path("primaryMetric");
      t.append(
          String.format(
              Locale.ROOT,
              "| `%s` | %s | %s | %s | %s | %s |%n",
              benchmark,
              params.isEmpty() ? "-" : params,
              r.path("mode").asText(),
              figure(metric.path("score").asDouble()),
              metric.path("scoreError").isNumber()
                      && !Double.isNaN(metric.path("scoreError").asDouble())
                  ? figure(metric.path("scoreError").asDouble())
                  : "-",
              metric.path("scoreUnit").asText()));
    }
    return t;
  }

  private static String rawLine(JsonNode result, String name) {
    return String.format(
        Locale.ROOT,
        "%nRaw: [`%s`](../%s) (`%s`; commit %s%s, JDK %s, %d cores, load average %s before, %s"
            + " after, %s).%n",
        name,
        name,
        result.path("command").asText(),
        abbreviate(result.path("commit").asText()),
        result.path("dirty").asBoolean() ? " plus uncommitted changes" : "",
        result.path("jdk").asText(),
        result.path("cores").asInt(),
        loads(result.path("loadAverageBefore")),
        loads(result.path("loadAverageAfter")),
        result.path("date").asText());
  }

  /** Three significant figures, plain notation where readable. */
  static String figure(double v) {
    if (v == 0 || Double.isNaN(v)) {
      return v == 0 ? "0" : "-";
    }
    double a = Math.abs(v);
    if (a >= 1e6 || a < 1e-3) {
      return String.format(Locale.ROOT, "%.3g", v);
    }
    java.math.BigDecimal d = new java.math.BigDecimal(v).round(new java.math.MathContext(3));
    return String.format(Locale.ROOT, "%,." + Math.max(0, d.scale()) + "f", d.doubleValue());
  }

  private static String loads(JsonNode a) {
    StringBuilder s = new StringBuilder();
    for (JsonNode v : a) {
      s.append(s.isEmpty() ? "" : "/").append(String.format(Locale.ROOT, "%.1f", v.asDouble()));
    }
    return s.isEmpty() ? "?" : s.toString();
  }

  private static String abbreviate(String commit) {
    return commit.length() > 10 ? commit.substring(0, 10) : commit;
  }
}
