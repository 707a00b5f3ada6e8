package io.bdt.explorer.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bdt.explorer.abi.BdtContracts;
import io.bdt.explorer.node.NodeRpc;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The write side of the index: stores a block with its transactions, receipts and logs (B-DT
 * contract calls and events decoded, their derived rows for devices, anchors, receipts and slots),
 * and deletes everything from a height upwards when the chain reorganises.
 */
public final class IndexStore {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> TABLES =
      List.of(
          "slots", "receipts", "anchors", "device_events", "contracts", "logs", "txs", "blocks");

  private final DataSource db;
  private final BdtContracts contracts;
  private volatile long skippedEvents;

  public IndexStore(DataSource db, BdtContracts contracts) {
    this.db = db;
    this.contracts = contracts;
  }

  /** B-DT events decoded but left out of the views because their fields did not fit. */
  public long skippedEvents() {
    return skippedEvents;
  }

  /** A stored block's number and hash. */
  public record Tip(long number, String hash) {}

  /** The highest stored block, if any. */
  public Optional<Tip> tip() throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT number, hash FROM blocks WHERE number = (SELECT MAX(number) FROM blocks)");
        ResultSet r = s.executeQuery()) {
      return r.next() ? Optional.of(new Tip(r.getLong(1), r.getString(2))) : Optional.empty();
    }
  }

  /** The stored hash of block {@code number}, if stored. */
  public Optional<String> hashAt(long number) throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT hash FROM blocks WHERE number = ?")) {
      s.setLong(1, number);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
      }
    }
  }

  /** Deletes every block from {@code number} upwards, with all that came from them. */
  public void deleteFrom(long number) throws SQLException {
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try {
        for (String table : TABLES) {
          String column = table.equals("blocks") ? "number" : "block_number";
          try (PreparedStatement s =
              c.prepareStatement("DELETE FROM " + table + " WHERE " + column + " >= ?")) {
            s.setLong(1, number);
            s.executeUpdate();
          }
        }
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /**
   * Stores blocks (eth_getBlockByNumber with full transactions) with their receipts
   * (eth_getTransactionReceipt, one list per block, in transaction order) in one database
   * transaction.
   */
  public void store(List<JsonNode> blocks, List<List<JsonNode>> receipts) throws SQLException {
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try {
        Map<String, String> known = knownContracts(c);
        for (int i = 0; i < blocks.size(); i++) {
          storeBlock(c, blocks.get(i), receipts.get(i), known);
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  private Map<String, String> knownContracts(Connection c) throws SQLException {
    Map<String, String> known = new HashMap<>();
    try (PreparedStatement s = c.prepareStatement("SELECT address, name FROM contracts");
        ResultSet r = s.executeQuery()) {
      while (r.next()) {
        known.put(r.getString(1), r.getString(2));
      }
    }
    return known;
  }

  private void storeBlock(
      Connection c, JsonNode b, List<JsonNode> receipts, Map<String, String> known)
      throws SQLException {
    long number = q(b, "number").longValueExact();
    long time = q(b, "timestamp").longValueExact();
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO blocks (number, hash, parent_hash, miner, difficulty, timestamp_s,"
                + " gas_used, gas_limit, base_fee, tx_count, size_bytes)"
                + " VALUES (?,?,?,?,?,?,?,?,?,?,?)")) {
      s.setLong(1, number);
      s.setString(2, lower(b, "hash"));
      s.setString(3, lower(b, "parentHash"));
      s.setString(4, lower(b, "miner"));
      s.setBigDecimal(5, dec(q(b, "difficulty")));
      s.setLong(6, time);
      s.setLong(7, q(b, "gasUsed").longValueExact());
      s.setLong(8, q(b, "gasLimit").longValueExact());
      s.setBigDecimal(9, b.hasNonNull("baseFeePerGas") ? dec(q(b, "baseFeePerGas")) : null);
      s.setInt(10, b.path("transactions").size());
      if (b.hasNonNull("size")) {
        s.setLong(11, q(b, "size").longValueExact());
      } else {
        s.setNull(11, Types.BIGINT);
      }
      s.executeUpdate();
    }
    JsonNode txs = b.path("transactions");
    for (int i = 0; i < txs.size(); i++) {
      JsonNode tx = txs.get(i);
      JsonNode receipt = i < receipts.size() ? receipts.get(i) : null;
      storeTx(c, number, i, tx, receipt, known);
      if (receipt != null) {
        for (JsonNode log : receipt.path("logs")) {
          storeLog(c, number, time, log, known);
        }
      }
    }
  }

  private void storeTx(
      Connection c,
      long number,
      int index,
      JsonNode tx,
      JsonNode receipt,
      Map<String, String> known)
      throws SQLException {
    String to = tx.hasNonNull("to") ? lower(tx, "to") : null;
    String input = tx.path("input").asText("0x");
    String created =
        receipt != null && receipt.hasNonNull("contractAddress")
            ? lower(receipt, "contractAddress")
            : null;
    String contract = null;
    String method = null;
    String decoded = null;
    boolean ok = receipt == null || !"0x0".equals(receipt.path("status").asText());
    if (to == null) {
      Optional<String> name = contracts.deployedBy(input);
      if (name.isPresent()) {
        contract = name.get();
        method = "constructor";
        if (created != null && ok) {
          try (PreparedStatement s =
              c.prepareStatement(
                  "INSERT INTO contracts (address, name, block_number, tx_hash) VALUES (?,?,?,?)")) {
            s.setString(1, created);
            s.setString(2, contract);
            s.setLong(3, number);
            s.setString(4, lower(tx, "hash"));
            s.executeUpdate();
          }
          known.put(created, contract);
        }
      }
    } else if (known.containsKey(to)) {
      contract = known.get(to);
      var d = contracts.decodeCall(contract, input);
      if (d.isPresent()) {
        method = d.get().name();
        decoded = json(d.get());
      }
    }
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO txs (hash, block_number, tx_index, from_addr, to_addr, created, value_wei,"
                + " nonce, gas_limit, gas_used, gas_price, status, revert_reason, input, contract,"
                + " method, decoded) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
      s.setString(1, lower(tx, "hash"));
      s.setLong(2, number);
      s.setInt(3, index);
      s.setString(4, lower(tx, "from"));
      s.setString(5, to);
      s.setString(6, created);
      s.setBigDecimal(7, dec(q(tx, "value")));
      s.setLong(8, q(tx, "nonce").longValueExact());
      s.setLong(9, q(tx, "gas").longValueExact());
      if (receipt != null) {
        s.setLong(10, q(receipt, "gasUsed").longValueExact());
        s.setBigDecimal(
            11,
            receipt.hasNonNull("effectiveGasPrice") ? dec(q(receipt, "effectiveGasPrice")) : null);
        s.setInt(12, ok ? 1 : 0);
        s.setString(13, ok ? null : revertReason(receipt.path("revertReason").asText("")));
      } else {
        s.setNull(10, Types.BIGINT);
        s.setNull(11, Types.NUMERIC);
        s.setNull(12, Types.INTEGER);
        s.setNull(13, Types.VARCHAR);
      }
      s.setString(14, input);
      s.setString(15, contract);
      s.setString(16, method);
      s.setString(17, decoded);
      s.executeUpdate();
    }
  }

  private void storeLog(
      Connection c, long number, long time, JsonNode log, Map<String, String> known)
      throws SQLException {
    String address = lower(log, "address");
    List<String> topics = new ArrayList<>();
    log.path("topics").forEach(t -> topics.add(t.asText().toLowerCase()));
    String data = log.path("data").asText("0x");
    int index = q(log, "logIndex").intValueExact();
    String tx = lower(log, "transactionHash");
    Optional<BdtContracts.Decoded> d =
        known.containsKey(address) ? contracts.decodeLog(topics, data) : Optional.empty();
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO logs (block_number, log_index, tx_hash, address, topics, data, contract,"
                + " event, decoded) VALUES (?,?,?,?,?,?,?,?,?)")) {
      s.setLong(1, number);
      s.setInt(2, index);
      s.setString(3, tx);
      s.setString(4, address);
      s.setString(5, String.join(",", topics));
      s.setString(6, data);
      s.setString(7, d.map(BdtContracts.Decoded::contract).orElse(null));
      s.setString(8, d.map(BdtContracts.Decoded::name).orElse(null));
      s.setString(9, d.map(IndexStore::json).orElse(null));
      s.executeUpdate();
    }
    if (d.isPresent()) {
      try {
        new DerivedRows(c, number, index, tx, time).store(address, d.get());
      } catch (RuntimeException e) {
        // an event whose fields differ from this explorer's views stays in logs only
        skippedEvents++;
      }
    }
  }

  /** The Error(string) message of revert data, else the data itself. */
  static String revertReason(String hex) {
    String h = hex.startsWith("0x") ? hex.substring(2) : hex;
    if (h.startsWith("08c379a0") && h.length() >= 8 + 128) {
      try {
        byte[] data = HexFormat.of().parseHex(h.substring(8));
        int len = new BigInteger(1, java.util.Arrays.copyOfRange(data, 32, 64)).intValueExact();
        return new String(data, 64, len, StandardCharsets.UTF_8);
      } catch (RuntimeException e) {
        return hex;
      }
    }
    return h.isEmpty() ? "reverted (no reason)" : hex;
  }

  static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static BigInteger q(JsonNode node, String field) {
    if (!node.hasNonNull(field)) {
      throw new IllegalArgumentException("node answer misses " + field + ": " + node);
    }
    return NodeRpc.quantity(node.get(field));
  }

  private static BigDecimal dec(BigInteger v) {
    return new BigDecimal(v);
  }

  private static String lower(JsonNode node, String field) {
    return node.path(field).asText().toLowerCase();
  }
}
