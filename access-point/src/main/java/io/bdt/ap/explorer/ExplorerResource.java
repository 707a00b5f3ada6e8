package io.bdt.ap.explorer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bdt.ap.AccessPoint;
import io.bdt.ap.status.ReputationTrack;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * The audit explorer: blocks, a block's transactions with their receipts, and the APs' reputations
 * (now for every genesis AP, over time for this AP), read from this AP's node.
 */
@Path("/explorer")
@PermitAll // public chain data (blocks, receipts, reputations): anyone may audit it
public class ExplorerResource {
  private final AccessPoint ap;
  private final ObjectMapper json = new ObjectMapper();

  public ExplorerResource(AccessPoint ap) {
    this.ap = ap;
  }

  /** The newest {@code count} blocks (at most 200), newest first, without transactions. */
  @GET
  @Path("/blocks")
  @Produces(MediaType.APPLICATION_JSON)
  public ArrayNode blocks(@QueryParam("count") @DefaultValue("20") int count) throws IOException {
    ArrayNode out = json.createArrayNode();
    long head = ap.chain().height();
    for (long n = head; n >= 0 && n > head - Math.min(Math.max(count, 1), 200); n--) {
      JsonNode b = ap.chain().rpc("eth_getBlockByNumber", "0x" + Long.toHexString(n), false);
      ObjectNode row = out.addObject();
      row.put("number", n);
      row.put("hash", b.path("hash").asText());
      row.put("miner", b.path("miner").asText());
      row.put("difficulty", Long.decode(b.path("difficulty").asText()));
      row.put("timestamp", Long.decode(b.path("timestamp").asText()));
      row.put("transactions", b.path("transactions").size());
      row.put("gasUsed", Long.decode(b.path("gasUsed").asText()));
    }
    return out;
  }

  /** Block {@code number} with its transactions and each transaction's receipt (logs included). */
  @GET
  @Path("/blocks/{number}")
  @Produces(MediaType.APPLICATION_JSON)
  public ObjectNode block(@PathParam("number") long number) throws IOException {
    JsonNode b = ap.chain().rpc("eth_getBlockByNumber", "0x" + Long.toHexString(number), true);
    if (b.isNull() || b.isMissingNode()) {
      throw new NotFoundException("block " + number + " is not on this AP's chain");
    }
    ObjectNode out = json.createObjectNode();
    out.set("block", b);
    ArrayNode receipts = out.putArray("receipts");
    for (JsonNode tx : b.path("transactions")) {
      receipts.add(ap.chain().rpc("eth_getTransactionReceipt", tx.path("hash").asText()));
    }
    return out;
  }

  /** Every genesis AP's reputation and difficulty at the head, and this AP's history. */
  @GET
  @Path("/reputation")
  @Produces(MediaType.APPLICATION_JSON)
  public ObjectNode reputation() throws IOException {
    ObjectNode out = json.createObjectNode();
    out.put("blockNumber", ap.chain().height());
    out.set("miners", ap.chain().rpc("bdt_miners"));
    ObjectNode self = out.putObject("self");
    self.put("address", ap.chain().address());
    List<ReputationTrack.Point> history = ap.track().history();
    self.set("history", json.valueToTree(history));
    return out;
  }

  /** A minimal HTML page over the JSON endpoints. */
  @GET
  @Produces(MediaType.TEXT_HTML)
  public InputStream page() {
    return ExplorerResource.class.getResourceAsStream("/explorer.html");
  }
}
