package io.bdt.explorer.api;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Resolves a search query to the page it names: a block number, a transaction hash, an address, a
 * device (bytes32 id or name), a task id (its receipt's transaction), an anchor root, or else a
 * thing id (the twin audit page).
 */
final class Search {
  private Search() {}

  static Map<String, Object> resolve(String q, Rows db) throws SQLException {
    String l = q.toLowerCase(Locale.ROOT);
    if (l.matches("[0-9]{1,18}")) {
      long n = Long.parseLong(l);
      if (db.count("SELECT COUNT(*) FROM blocks WHERE number = ?", n) > 0) {
        return hit("block", "/block/" + n);
      }
    }
    if (l.matches("[0-9a-f]{64}")) {
      l = "0x" + l;
    }
    if (ApiResource.HASH.matcher(l).matches()) {
      if (db.count("SELECT COUNT(*) FROM txs WHERE hash = ?", l) > 0) {
        return hit("transaction", "/tx/" + l);
      }
      if (db.count("SELECT COUNT(*) FROM device_events WHERE device_id = ?", l) > 0) {
        return hit("device", "/device/" + l);
      }
      Map<String, Object> receipt = db.one("SELECT tx_hash FROM receipts WHERE task_id = ?", l);
      if (receipt != null) {
        return hit("task", "/tx/" + receipt.get("tx_hash"));
      }
      Map<String, Object> anchor = db.one("SELECT tx_hash FROM anchors WHERE root = ?", l);
      if (anchor != null) {
        return hit("anchor", "/tx/" + anchor.get("tx_hash"));
      }
      Map<String, Object> block = db.one("SELECT number FROM blocks WHERE hash = ?", l);
      if (block != null) {
        return hit("block", "/block/" + block.get("number"));
      }
    }
    if (ApiResource.ADDRESS.matcher(l).matches()) {
      return hit("address", "/address/" + l);
    }
    String deviceId = ApiResource.deviceId(q);
    if (db.count("SELECT COUNT(*) FROM device_events WHERE device_id = ?", deviceId) > 0) {
      return hit("device", "/device/" + encode(q));
    }
    if (q.matches("[A-Za-z0-9:_.\\-]{1,200}") && !l.matches("[0-9]+|0x[0-9a-f]*")) {
      return hit("thing", "/twin/" + encode(q));
    }
    Map<String, Object> none = new LinkedHashMap<>();
    none.put("kind", "none");
    none.put("url", null);
    none.put("detail", "nothing indexed matches '" + q + "'");
    return none;
  }

  private static Map<String, Object> hit(String kind, String url) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", kind);
    m.put("url", url);
    return m;
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
