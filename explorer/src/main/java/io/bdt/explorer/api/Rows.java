package io.bdt.explorer.api;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Runs read-only SQL on the index and returns rows as column-name maps (lower-case names; big
 * numbers as decimal strings, so JSON keeps every digit).
 */
final class Rows {
  private final DataSource db;

  Rows(DataSource db) {
    this.db = db;
  }

  List<Map<String, Object>> list(String sql, Object... params) throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        s.setObject(i + 1, params[i]);
      }
      try (ResultSet r = s.executeQuery()) {
        ResultSetMetaData m = r.getMetaData();
        List<Map<String, Object>> out = new ArrayList<>();
        while (r.next()) {
          Map<String, Object> row = new LinkedHashMap<>();
          for (int i = 1; i <= m.getColumnCount(); i++) {
            Object v = r.getObject(i);
            if (v instanceof BigDecimal d) {
              v = d.toPlainString();
            }
            row.put(m.getColumnLabel(i).toLowerCase(Locale.ROOT), v);
          }
          out.add(row);
        }
        return out;
      }
    }
  }

  Map<String, Object> one(String sql, Object... params) throws SQLException {
    List<Map<String, Object>> rows = list(sql, params);
    return rows.isEmpty() ? null : rows.getFirst();
  }

  long count(String sql, Object... params) throws SQLException {
    Map<String, Object> row = one(sql, params);
    Object v = row == null ? null : row.values().iterator().next();
    return v == null ? 0 : Long.parseLong(v.toString());
  }
}
