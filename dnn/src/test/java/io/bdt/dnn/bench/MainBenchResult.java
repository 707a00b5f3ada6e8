package io.bdt.dnn.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The result of a {@code ./bench --main} benchmark of this module: its measurements and one table
 * ({@code {"columns": [...], "rows": [[...]]}}, which {@code ./bdt bench-tables} renders), written
 * to the file named by {@code BDT_BENCH_RESULT} (else standard output).
 */
final class MainBenchResult {
  static final ObjectMapper JSON = new ObjectMapper();

  private MainBenchResult() {}

  /** Adds the table of {@code columns} and {@code rows} to {@code result} and writes it. */
  static void write(ObjectNode result, List<String> columns, ArrayNode rows) throws IOException {
    ObjectNode table = result.putArray("tables").addObject();
    ArrayNode names = table.putArray("columns");
    columns.forEach(names::add);
    table.set("rows", rows);
    String text = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result);
    String to = System.getenv("BDT_BENCH_RESULT");
    if (to == null) {
      System.out.println(text);
    } else {
      Files.writeString(Path.of(to), text);
    }
  }
}
