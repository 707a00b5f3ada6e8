package io.bdt.explorer.twin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bdt.explorer.ExplorerConfig;
import io.bdt.pki.TlsContexts;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The twin audit's data: asks the configured gateways for a thing's anchored records with their
 * Merkle proofs ({@code GET /anchors/twin/{thingId}}), and joins each proof's root to the
 * TwinAnchor anchor that holds it on chain (anchor id, block, transaction). The verification itself
 * happens in the browser, against the chain, not here.
 */
@ApplicationScoped
public class TwinAudit {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final List<URI> gateways;
  private final java.util.Optional<String> token;
  private final HttpClient http;

  public TwinAudit(ExplorerConfig config) throws IOException {
    this.gateways = config.gateways().orElse(List.of());
    this.token = config.gatewayToken();
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(3))
            .sslContext(TlsContexts.trusting(config.caFile()))
            .build();
  }

  /** The gateways asked. */
  public List<URI> gateways() {
    return gateways;
  }

  /**
   * The records of {@code thingId}: {@code {thingId, gateway, records, errors}}, each record as the
   * gateway sent it plus {@code anchorId}, {@code anchorContract}, {@code anchorBlock}, {@code
   * anchorTx} when its root is anchored on chain (else {@code anchorId} null).
   */
  public Map<String, Object> records(String thingId, DataSource db) throws SQLException {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("thingId", thingId);
    List<String> errors = new ArrayList<>();
    List<Map<String, Object>> records = new ArrayList<>();
    String from = null;
    for (URI gw : gateways) {
      try {
        JsonNode answer = get(gw, thingId);
        if (answer == null) {
          continue; // this gateway does not hold the thing
        }
        from = gw.toString();
        for (JsonNode r : answer.path("records")) {
          @SuppressWarnings("unchecked")
          Map<String, Object> rec = JSON.convertValue(r, LinkedHashMap.class);
          records.add(rec);
        }
        break;
      } catch (IOException e) {
        errors.add(gw + ": " + e.getMessage());
      }
    }
    try (Connection c = db.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT anchor_id, contract_address, block_number, tx_hash, gateway FROM anchors"
                    + " WHERE root = ? ORDER BY block_number LIMIT 1")) {
      for (Map<String, Object> rec : records) {
        s.setString(1, String.valueOf(rec.get("root")).toLowerCase());
        try (ResultSet r = s.executeQuery()) {
          if (r.next()) {
            rec.put("anchorId", r.getLong(1));
            rec.put("anchorContract", r.getString(2));
            rec.put("anchorBlock", r.getLong(3));
            rec.put("anchorTx", r.getString(4));
            rec.put("anchorGateway", r.getString(5));
          } else {
            rec.put("anchorId", null);
          }
        }
      }
    }
    out.put("gateway", from);
    out.put("records", records);
    out.put("errors", errors);
    if (gateways.isEmpty()) {
      errors.add("no gateways configured (bdt.explorer.gateways)");
    }
    return out;
  }

  private JsonNode get(URI gateway, String thingId) throws IOException {
    URI uri =
        URI.create(
            gateway.toString().replaceAll("/+$", "")
                + "/anchors/twin/"
                + URLEncoder.encode(thingId, StandardCharsets.UTF_8).replace("+", "%20"));
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
    token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 404) {
        return null;
      }
      if (r.statusCode() != 200) {
        throw new IOException("HTTP " + r.statusCode());
      }
      return JSON.readTree(r.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
