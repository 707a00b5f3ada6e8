package io.bdt.explorer.api;

import java.util.List;
import java.util.Map;

/** RFC 4180 CSV of a list of rows (the header from the first row's columns). */
final class Csv {
  private Csv() {}

  static String of(List<Map<String, Object>> rows) {
    StringBuilder s = new StringBuilder();
    if (rows.isEmpty()) {
      return "";
    }
    s.append(String.join(",", rows.getFirst().keySet().stream().map(Csv::cell).toList()))
        .append("\r\n");
    for (Map<String, Object> row : rows) {
      s.append(String.join(",", row.values().stream().map(Csv::cell).toList())).append("\r\n");
    }
    return s.toString();
  }

  private static String cell(Object v) {
    String t = v == null ? "" : v.toString();
    // a leading = + - @ would run as a formula in a spreadsheet
    if (!t.isEmpty() && "=+-@".indexOf(t.charAt(0)) >= 0) {
      t = "'" + t;
    }
    return t.contains(",") || t.contains("\"") || t.contains("\n") || t.contains("\r")
        ? "\"" + t.replace("\"", "\"\"") + "\""
        : t;
  }
}
