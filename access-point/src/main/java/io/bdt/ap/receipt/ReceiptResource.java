package io.bdt.ap.receipt;

import io.bdt.ap.AccessPoint;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/** {@code POST /receipts}: a gateway hands over a signed receipt for the AP to put on chain. */
@Path("/receipts")
public class ReceiptResource {
  private final AccessPoint ap;

  public ReceiptResource(AccessPoint ap) {
    this.ap = ap;
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  public Response accept(ReceiptMessage receipt) {
    try {
      ap.receipts().accept(receipt);
      return Response.accepted(Map.of("pending", ap.receipts().pendingCount())).build();
    } catch (IllegalArgumentException e) {
      return Response.status(400).entity(Map.of("error", e.getMessage())).build();
    }
  }
}
