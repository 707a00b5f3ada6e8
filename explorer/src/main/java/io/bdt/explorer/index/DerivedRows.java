package io.bdt.explorer.index;

import io.bdt.explorer.abi.BdtContracts;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;

/**
 * The rows one decoded B-DT event adds to the explorer's views: device history (DeviceRegistry),
 * anchors (TwinAnchor), receipts and slot closes (ReputationLedger). Other events add none.
 */
final class DerivedRows {
  private final Connection c;
  private final long block;
  private final int logIndex;
  private final String tx;
  private final long time;

  DerivedRows(Connection c, long block, int logIndex, String tx, long time) {
    this.c = c;
    this.block = block;
    this.logIndex = logIndex;
    this.tx = tx;
    this.time = time;
  }

  void store(String address, BdtContracts.Decoded e) throws SQLException {
    Map<String, Object> a = e.args();
    switch (e.contract() + "." + e.name()) {
      case "DeviceRegistry.DeviceRegistered" ->
          device(a.get("deviceId"), a.get("gateway"), "registered", a.get("model"));
      case "DeviceRegistry.DeviceRevoked" ->
          device(a.get("deviceId"), a.get("gateway"), "revoked", null);
      case "DeviceRegistry.CredentialRotated" -> device(a.get("deviceId"), null, "rotated", null);
      case "TwinAnchor.Anchored" ->
          insert(
              "INSERT INTO anchors (block_number, log_index, tx_hash, contract_address, anchor_id,"
                  + " gateway, root, leaf_count, timestamp_s) VALUES (?,?,?,?,?,?,?,?,?)",
              address,
              Long.parseLong((String) a.get("anchorId")),
              a.get("gateway"),
              a.get("root"),
              Long.parseLong((String) a.get("leafCount")),
              time);
      case "ReputationLedger.ReceiptRecorded" ->
          insert(
              "INSERT INTO receipts (block_number, log_index, tx_hash, task_id, ap, gateway, slot,"
                  + " flops, latency_micros) VALUES (?,?,?,?,?,?,?,?,?)",
              a.get("taskId"),
              a.get("ap"),
              a.get("gateway"),
              Long.parseLong((String) a.get("slot")),
              new BigDecimal((String) a.get("flopsServed")),
              Long.parseLong((String) a.get("latencyMicros")));
      case "ReputationLedger.SlotClosed" ->
          insert(
              "INSERT INTO slots (block_number, log_index, tx_hash, ap, slot, contribution,"
                  + " reputation, timestamp_s) VALUES (?,?,?,?,?,?,?,?)",
              a.get("ap"),
              Long.parseLong((String) a.get("slot")),
              new BigDecimal((String) a.get("contribution")),
              new BigDecimal((String) a.get("reputation")),
              time);
      default -> {
        // events without a view of their own stay in logs only
      }
    }
  }

  private void device(Object id, Object gateway, String kind, Object model) throws SQLException {
    insert(
        "INSERT INTO device_events (block_number, log_index, tx_hash, device_id, gateway, kind,"
            + " model, timestamp_s) VALUES (?,?,?,?,?,?,?,?)",
        id,
        gateway,
        kind,
        model,
        time);
  }

  private void insert(String sql, Object... rest) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setLong(1, block);
      s.setInt(2, logIndex);
      s.setString(3, tx);
      for (int i = 0; i < rest.length; i++) {
        s.setObject(4 + i, rest[i]);
      }
      s.executeUpdate();
    }
  }
}
