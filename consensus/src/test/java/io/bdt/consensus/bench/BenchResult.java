package io.bdt.consensus.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The result JSON of a load generator run by {@code ./bench --main consensus CLASS ARGS}: its
 * figures and one table ({@code columns}, one row) for {@code ./bdt bench-tables}, written to the
 * file named by {@code BDT_BENCH_RESULT} (else standard output).
 */
final class BenchResult {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ObjectNode root = JSON.createObjectNode();
  private final ArrayNode columns;
  private final ArrayNode row;

  BenchResult(String benchmark) {
    root.put("benchmark", benchmark);
    ObjectNode table = root.putArray("tables").addObject();
    columns = table.putArray("columns");
    row = table.putArray("rows").addArray();
  }

  /** A figure kept in the result and shown in the table's column {@code column}. */
  BenchResult put(String field, String column, double value) {
    root.put(field, value);
    columns.add(column);
    row.add(value);
    return this;
  }

  /** A figure kept in the result only. */
  BenchResult keep(String field, double value) {
    root.put(field, value);
    return this;
  }

  /** Every sample, in milliseconds, kept in the result (not shown). */
  BenchResult samples(String field, List<Double> millis) {
    ArrayNode a = root.putArray(field);
    millis.forEach(a::add);
    return this;
  }

  void write() throws IOException {
    root.put(
        "loadAverageAtEnd", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    String json = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    String to = System.getenv("BDT_BENCH_RESULT");
    if (to != null) {
      Files.writeString(Path.of(to), json);
    } else {
      System.out.println(json);
    }
  }
}
