package io.bdt.explorer.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bdt.explorer.index.IndexService;
import io.bdt.explorer.node.NodeRpc;
import io.bdt.explorer.twin.TwinAudit;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.web3j.crypto.Hash;

/**
 * The JSON API behind every page ({@code /api/...}); list endpoints also answer CSV with {@code
 * ?format=csv}. Bad input gets a 400 naming the parameter and the rule, counted in {@code
 * bdt.explorer.bad.requests}.
 */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
public class ApiResource {

  static final Pattern HASH = Pattern.compile("0x[0-9a-f]{64}");
  static final Pattern ADDRESS = Pattern.compile("0x[0-9a-f]{40}");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PAGE = 50;

  private final IndexService index;
  private final TwinAudit twins;
  private final Counter badRequests;

  public ApiResource(IndexService index, TwinAudit twins, MeterRegistry registry) {
    this.index = index;
    this.twins = twins;
    this.badRequests =
        Counter.builder("bdt.explorer.bad.requests")
            .description("API requests refused for bad input")
            .register(registry);
  }

  private Rows rows() {
    return new Rows(index.dataSource());
  }

  @GET
  @Path("/status")
  @Operation(summary = "Indexer progress: indexed block, node head, reorganisations, last error")
  public IndexService.Status status() {
    return index.status();
  }

  @GET
  @Path("/home")
  @Operation(summary = "Head, hash rate, latest blocks and transactions, reputation over slots")
  public Map<String, Object> home() throws SQLException {
    Rows db = rows();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("status", index.status());
    List<Map<String, Object>> recent =
        db.list("SELECT number, difficulty, timestamp_s FROM blocks ORDER BY number DESC LIMIT 50");
    out.put("hashRate", hashRate(recent));
    out.put(
        "blocks",
        db.list(
            "SELECT number, hash, miner, difficulty, timestamp_s, tx_count, gas_used FROM blocks"
                + " ORDER BY number DESC LIMIT 10"));
    out.put(
        "transactions",
        db.list(
            "SELECT hash, block_number, from_addr, to_addr, contract, method, status FROM txs"
                + " ORDER BY block_number DESC, tx_index DESC LIMIT 10"));
    out.put("reputation", reputationSeries(db));
    return out;
  }

  /** Hashes per second over recent blocks: sum of difficulties over the time they took. */
  static double hashRate(List<Map<String, Object>> newestFirst) {
    if (newestFirst.size() < 2) {
      return 0;
    }
    double work = 0;
    for (int i = 0; i < newestFirst.size() - 1; i++) {
      work += Double.parseDouble(newestFirst.get(i).get("difficulty").toString());
    }
    long span =
        ((Number) newestFirst.getFirst().get("timestamp_s")).longValue()
            - ((Number) newestFirst.getLast().get("timestamp_s")).longValue();
    return span <= 0 ? 0 : work / span;
  }

  private static List<Map<String, Object>> reputationSeries(Rows db) throws SQLException {
    return db.list("SELECT ap, slot, reputation, block_number FROM slots ORDER BY slot, ap");
  }

  @GET
  @Path("/blocks")
  @Operation(summary = "Blocks, newest first (CSV with format=csv)")
  public Response blocks(@QueryParam("before") Long before, @QueryParam("format") String format)
      throws SQLException {
    long top = before == null ? Long.MAX_VALUE : before;
    return list(
        rows()
            .list(
                "SELECT number, hash, miner, difficulty, timestamp_s, tx_count, gas_used FROM"
                    + " blocks WHERE number < ? ORDER BY number DESC LIMIT "
                    + PAGE,
                top),
        format);
  }

  @GET
  @Path("/block/{n}")
  @Operation(summary = "One block with its transactions")
  public Response block(@PathParam("n") String n) throws SQLException {
    long number;
    try {
      number = Long.parseLong(n);
      if (number < 0) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      return bad("n: a block number (0, 1, ...), was '" + n + "'");
    }
    Rows db = rows();
    Map<String, Object> block = db.one("SELECT * FROM blocks WHERE number = ?", number);
    if (block == null) {
      return notFound(
          "block " + number + " is not indexed (indexed up to " + index.status().indexed() + ")");
    }
    block.put(
        "transactions",
        db.list(
            "SELECT hash, tx_index, from_addr, to_addr, created, value_wei, gas_used, status,"
                + " contract, method FROM txs WHERE block_number = ? ORDER BY tx_index",
            number));
    return Response.ok(block).build();
  }

  @GET
  @Path("/tx/{hash}")
  @Operation(summary = "One transaction: status, gas, revert reason, decoded input and logs")
  public Response tx(@PathParam("hash") String hash) throws SQLException, IOException {
    String h = hash.toLowerCase(Locale.ROOT);
    if (!HASH.matcher(h).matches()) {
      return bad("hash: 0x and 64 hex digits, was '" + hash + "'");
    }
    Rows db = rows();
    Map<String, Object> tx = db.one("SELECT * FROM txs WHERE hash = ?", h);
    if (tx == null) {
      return notFound("transaction " + h + " is not indexed");
    }
    tx.put("decoded", parse(tx.get("decoded")));
    List<Map<String, Object>> logs =
        db.list(
            "SELECT log_index, address, topics, data, contract, event, decoded FROM logs WHERE"
                + " tx_hash = ? ORDER BY log_index",
            h);
    for (Map<String, Object> log : logs) {
      log.put("decoded", parse(log.get("decoded")));
    }
    tx.put("logs", logs);
    return Response.ok(tx).build();
  }

  @GET
  @Path("/address/{addr}")
  @Operation(summary = "An address: balance, nonce, transactions, and a B-DT contract's state")
  public Response address(@PathParam("addr") String addr, @QueryParam("format") String format)
      throws SQLException, IOException {
    String a = addr.toLowerCase(Locale.ROOT);
    if (!ADDRESS.matcher(a).matches()) {
      return bad("addr: 0x and 40 hex digits, was '" + addr + "'");
    }
    Rows db = rows();
    List<Map<String, Object>> txs =
        db.list(
            "SELECT hash, block_number, from_addr, to_addr, created, value_wei, status, contract,"
                + " method FROM txs WHERE from_addr = ? OR to_addr = ? OR created = ?"
                + " ORDER BY block_number DESC, tx_index DESC LIMIT 200",
            a,
            a,
            a);
    if ("csv".equals(format)) {
      return list(txs, format);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("address", a);
    NodeRpc node = index.node();
    try {
      out.put("balanceWei", NodeRpc.quantity(node.call("eth_getBalance", a, "latest")).toString());
      out.put(
          "nonce", NodeRpc.quantity(node.call("eth_getTransactionCount", a, "latest")).toString());
      out.put("codeSize", (node.call("eth_getCode", a, "latest").asText("0x").length() - 2) / 2);
    } catch (IOException e) {
      out.put("nodeError", e.getMessage());
    }
    Map<String, Object> contract = db.one("SELECT * FROM contracts WHERE address = ?", a);
    out.put("contract", contract);
    out.put("transactions", txs);
    if (contract != null) {
      out.put("state", contractState(db, contract.get("name").toString(), a));
    }
    out.put("minedBlocks", db.count("SELECT COUNT(*) FROM blocks WHERE miner = ?", a));
    return Response.ok(out).build();
  }

  private Map<String, Object> contractState(Rows db, String name, String address)
      throws SQLException {
    Map<String, Object> s = new LinkedHashMap<>();
    switch (name) {
      case "DeviceRegistry" -> s.put("devices", devices(db));
      case "ReputationLedger" -> s.put("accessPoints", reputation(db));
      case "TwinAnchor" ->
          s.put(
              "anchors",
              db.list(
                  "SELECT anchor_id, gateway, root, leaf_count, block_number, tx_hash FROM anchors"
                      + " WHERE contract_address = ? ORDER BY anchor_id DESC LIMIT 200",
                  address));
      default -> {
        // no decoded state
      }
    }
    return s;
  }

  @GET
  @Path("/devices")
  @Operation(summary = "DeviceRegistry: device -> owning gateway -> status (CSV with format=csv)")
  public Response devicesList(@QueryParam("format") String format) throws SQLException {
    return list(devices(rows()), format);
  }

  private static List<Map<String, Object>> devices(Rows db) throws SQLException {
    return db.list(
        "SELECT d.device_id, r.gateway, r.model, CASE WHEN EXISTS (SELECT 1 FROM device_events x"
            + " WHERE x.device_id = d.device_id AND x.kind = 'revoked') THEN 'revoked' ELSE"
            + " 'active' END AS status, r.block_number AS registered_block, d.events FROM (SELECT"
            + " device_id, COUNT(*) AS events FROM device_events GROUP BY device_id) d LEFT JOIN"
            + " device_events r ON r.device_id = d.device_id AND r.kind = 'registered' ORDER BY"
            + " r.block_number, d.device_id");
  }

  @GET
  @Path("/device/{id}")
  @Operation(summary = "One device's registration, rotation and revocation history")
  public Response device(@PathParam("id") String id) throws SQLException {
    String deviceId = deviceId(id);
    List<Map<String, Object>> history =
        rows()
            .list(
                "SELECT kind, gateway, model, block_number, tx_hash, timestamp_s FROM"
                    + " device_events WHERE device_id = ? ORDER BY block_number, log_index",
                deviceId);
    if (history.isEmpty()) {
      return notFound("device " + id + " (" + deviceId + ") has no DeviceRegistry events");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("deviceId", deviceId);
    out.put("name", id.equals(deviceId) ? null : id);
    out.put("history", history);
    return Response.ok(out).build();
  }

  /** A device id as DeviceRegistry keys it: 0x bytes32 as given, else keccak256 of the name. */
  static String deviceId(String id) {
    String l = id.toLowerCase(Locale.ROOT);
    return HASH.matcher(l).matches()
        ? l
        : "0x" + HexFormat.of().formatHex(Hash.sha3(id.getBytes(StandardCharsets.UTF_8)));
  }

  @GET
  @Path("/reputation")
  @Operation(summary = "Per AP: R_m, receipts, difficulty D_m, blocks won vs predicted share")
  public Response reputationView(@QueryParam("format") String format) throws SQLException {
    Rows db = rows();
    List<Map<String, Object>> aps = reputation(db);
    if ("csv".equals(format)) {
      return list(aps, format);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("accessPoints", aps);
    out.put("series", reputationSeries(db));
    return Response.ok(out).build();
  }

  /**
   * Every AP that mined or has reputation: latest R_m (ledger fixed point, 1e18 = 1), receipts, its
   * latest block's difficulty D_m (hashes), blocks won, and the share of blocks that equal hash
   * rates predict from the difficulties ((1/D_m) / sum over k of 1/D_k).
   */
  static List<Map<String, Object>> reputation(Rows db) throws SQLException {
    Map<String, Map<String, Object>> byAp = new LinkedHashMap<>();
    long total = db.count("SELECT COUNT(*) FROM blocks WHERE number > 0");
    for (Map<String, Object> m :
        db.list(
            "SELECT miner, COUNT(*) AS blocks FROM blocks WHERE number > 0 GROUP BY miner"
                + " ORDER BY miner")) {
      String ap = m.get("miner").toString();
      Map<String, Object> row = row(byAp, ap);
      row.put("blocksWon", ((Number) m.get("blocks")).longValue());
      Map<String, Object> last =
          db.one("SELECT difficulty FROM blocks WHERE miner = ? ORDER BY number DESC LIMIT 1", ap);
      row.put("difficulty", last.get("difficulty"));
    }
    for (Map<String, Object> s :
        db.list(
            "SELECT s.ap, s.reputation, s.slot FROM slots s WHERE s.block_number * 100000 +"
                + " s.log_index = (SELECT MAX(x.block_number * 100000 + x.log_index) FROM slots x"
                + " WHERE x.ap = s.ap)")) {
      Map<String, Object> row = row(byAp, s.get("ap").toString());
      row.put("reputation", s.get("reputation"));
      row.put("lastSlot", s.get("slot"));
    }
    for (Map<String, Object> r :
        db.list("SELECT ap, COUNT(*) AS receipts FROM receipts GROUP BY ap")) {
      row(byAp, r.get("ap").toString()).put("receipts", ((Number) r.get("receipts")).longValue());
    }
    double inverse = 0;
    for (Map<String, Object> row : byAp.values()) {
      if (row.get("difficulty") != null) {
        inverse += 1 / Double.parseDouble(row.get("difficulty").toString());
      }
    }
    for (Map<String, Object> row : byAp.values()) {
      long won = ((Number) row.getOrDefault("blocksWon", 0L)).longValue();
      row.put("blocksWon", won);
      row.putIfAbsent("receipts", 0L);
      row.put("shareWon", total == 0 ? 0.0 : (double) won / total);
      row.put(
          "sharePredicted",
          row.get("difficulty") == null || inverse == 0
              ? 0.0
              : (1 / Double.parseDouble(row.get("difficulty").toString())) / inverse);
    }
    return new ArrayList<>(byAp.values());
  }

  private static Map<String, Object> row(Map<String, Map<String, Object>> byAp, String ap) {
    return byAp.computeIfAbsent(
        ap,
        k -> {
          Map<String, Object> r = new LinkedHashMap<>();
          r.put("ap", k);
          r.put("reputation", null);
          r.put("lastSlot", null);
          r.put("receipts", 0L);
          r.put("difficulty", null);
          r.put("blocksWon", 0L);
          return r;
        });
  }

  @GET
  @Path("/anchors")
  @Operation(summary = "TwinAnchor roots per gateway: batch sizes and gaps (CSV with format=csv)")
  public Response anchors(@QueryParam("format") String format) throws SQLException {
    Rows db = rows();
    List<Map<String, Object>> anchors =
        db.list(
            "SELECT anchor_id, gateway, root, leaf_count, block_number, tx_hash, timestamp_s,"
                + " contract_address FROM anchors ORDER BY gateway, anchor_id");
    Map<String, Long> lastTime = new java.util.HashMap<>();
    for (Map<String, Object> a : anchors) {
      String gw = a.get("gateway").toString();
      long t = ((Number) a.get("timestamp_s")).longValue();
      Long prev = lastTime.put(gw, t);
      a.put("gapSeconds", prev == null ? null : t - prev);
    }
    if ("csv".equals(format)) {
      return list(anchors, format);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put(
        "gateways",
        db.list(
            "SELECT gateway, COUNT(*) AS anchors, SUM(leaf_count) AS leaves, MIN(timestamp_s) AS"
                + " first_s, MAX(timestamp_s) AS last_s FROM anchors GROUP BY gateway ORDER BY"
                + " gateway"));
    out.put("anchors", anchors);
    return Response.ok(out).build();
  }

  @GET
  @Path("/twin/{thingId}")
  @Operation(summary = "A twin's anchored records with their proofs and on-chain anchors")
  public Response twin(@PathParam("thingId") String thingId) throws SQLException {
    if (thingId.isBlank() || thingId.length() > 200) {
      return bad("thingId: 1 to 200 characters");
    }
    return Response.ok(twins.records(thingId, index.dataSource())).build();
  }

  @GET
  @Path("/search")
  @Operation(summary = "Where a query leads: block, transaction, address, device, thing or task")
  public Response search(@QueryParam("q") String q) throws SQLException {
    if (q == null || q.isBlank()) {
      return bad("q: required (block number, tx hash, address, device id, thing id or task id)");
    }
    return Response.ok(Search.resolve(q.trim(), rows())).build();
  }

  private Response list(List<Map<String, Object>> rows, String format) {
    if ("csv".equals(format)) {
      return Response.ok(Csv.of(rows), "text/csv; charset=utf-8").build();
    }
    if (format != null && !format.equals("json")) {
      return bad("format: csv or json, was '" + format + "'");
    }
    return Response.ok(rows).build();
  }

  private static Object parse(Object json) throws IOException {
    return json == null ? null : JSON.readTree(json.toString());
  }

  private Response bad(String message) {
    badRequests.increment();
    return Problem.of(400, message);
  }

  private static Response notFound(String message) {
    return Problem.of(404, message);
  }

  static BigInteger big(JsonNode n) {
    return NodeRpc.quantity(n);
  }
}
