package io.bdt.explorer.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bdt.explorer.index.IndexService;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * A read-only JSON-RPC passage to the followed node for the browser (same origin, so the node needs
 * no CORS): only the calls the audit page makes, one at a time. The browser still does the
 * verifying: it encodes the calls and checks the answers itself.
 */
@Path("/rpc")
public class RpcProxy {

  static final Set<String> ALLOWED =
      Set.of("eth_call", "eth_chainId", "eth_blockNumber", "eth_getBlockByNumber", "eth_getCode");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final IndexService index;

  public RpcProxy(IndexService index) {
    this.index = index;
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(summary = "Read-only JSON-RPC to the node: eth_call, eth_chainId, eth_blockNumber...")
  public JsonNode call(JsonNode request) {
    ObjectNode out = JSON.createObjectNode();
    out.put("jsonrpc", "2.0");
    out.set("id", request == null ? null : request.get("id"));
    String method = request == null ? "" : request.path("method").asText("");
    if (!ALLOWED.contains(method)) {
      error(
          out, -32601, "method: only " + ALLOWED + " pass to the node here, not '" + method + "'");
      return out;
    }
    try {
      Object[] params = JSON.convertValue(request.path("params"), Object[].class);
      out.set("result", index.node().call(method, params == null ? new Object[0] : params));
    } catch (io.bdt.explorer.node.NodeRpc.RpcError e) {
      out.set("error", e.error());
    } catch (IOException | IllegalArgumentException e) {
      error(out, -32603, e.getMessage());
    }
    return out;
  }

  private static void error(ObjectNode out, int code, String message) {
    out.putObject("error").put("code", code).put("message", message);
  }
}
