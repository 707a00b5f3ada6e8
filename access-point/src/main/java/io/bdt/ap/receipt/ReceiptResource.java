package io.bdt.ap.receipt;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bdt.ap.AccessPoint;
import io.bdt.ap.offload.OffloadResource;
import io.bdt.ap.trust.GatewayProofs;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

/**
 * {@code POST /receipts}: a registered gateway, proven per request ({@link GatewayProofs}), hands
 * over a receipt it signed for the AP to put on chain.
 */
@Path("/receipts")
@PermitAll // no bearer token: the gateway's signature is checked here, on the body it covers
public class ReceiptResource {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final AccessPoint ap;

  public ReceiptResource(AccessPoint ap) {
    this.ap = ap;
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(summary = "Hand over a gateway-signed receipt (registered gateways, signed requests)")
  @SecurityRequirement(name = "gatewaySignature")
  public Response accept(byte[] body, @Context HttpHeaders headers) {
    if (ap.gatewayProofs().check("POST", "/receipts", body, headers::getHeaderString)
        instanceof GatewayProofs.Verdict.Refused r) {
      return OffloadResource.error(r.reason().status, r.message());
    }
    ReceiptMessage receipt;
    try {
      receipt = JSON.readValue(body, ReceiptMessage.class);
    } catch (IOException e) {
      return OffloadResource.error(400, "receipt: not a receipt JSON object: " + e.getMessage());
    }
    String gateway = headers.getHeaderString("X-Bdt-Gateway").toLowerCase(Locale.ROOT);
    if (receipt.gateway() == null || !gateway.equals(receipt.gateway().toLowerCase(Locale.ROOT))) {
      return OffloadResource.error(
          403,
          "receipt.gateway: a gateway hands over its own receipts only, not " + receipt.gateway());
    }
    try {
      ap.receipts().accept(receipt);
      return Response.accepted(Map.of("pending", ap.receipts().pendingCount())).build();
    } catch (ReceiptBook.Mismatch e) {
      // another AP, another credit or another slot than the task was served with
      ap.shareClaims().refusedReceipt(e.reason());
      return OffloadResource.error(403, e.reason().name(), e.getMessage());
    } catch (IllegalArgumentException e) {
      return OffloadResource.error(400, e.getMessage());
    }
  }
}
