package io.bdt.gateway.api;

import io.bdt.contracts.auth.Roles;
import io.bdt.contracts.auth.TwinGrant;
import io.bdt.gateway.device.DeviceLedger;
import io.bdt.gateway.device.DeviceRecord;
import io.bdt.gateway.device.DeviceRevoked;
import io.bdt.gateway.ingest.TelemetryIngest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.event.Event;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Comparator;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * REST API of the device registry: list devices, read one, revoke one. A caller whose token carries
 * twin grants sees and reads only devices whose twin it may read, and revokes only devices whose
 * twin it may write (docs/security.md, "Twin grants").
 */
@Path("/devices")
@RolesAllowed({Roles.DEVICE_ADMIN, Roles.OPERATOR})
@Produces(MediaType.APPLICATION_JSON)
public class DeviceResource {

  private final DeviceLedger ledger;
  private final Event<DeviceRevoked> revocations;
  private final TwinGrantCheck grants;
  private final TelemetryIngest ingest;

  public DeviceResource(
      DeviceLedger ledger,
      Event<DeviceRevoked> revocations,
      TwinGrantCheck grants,
      TelemetryIngest ingest) {
    this.ledger = ledger;
    this.revocations = revocations;
    this.grants = grants;
    this.ingest = ingest;
  }

  @GET
  @Operation(
      summary =
          "Every provisioned device (credential hashes only) whose twin the caller's grants let it"
              + " read")
  public Response all() {
    var refused = grants.searchRefusal(null); // an unusable grants claim
    if (refused.isPresent()) {
      return refused.get();
    }
    var readable = grants.readable();
    return Response.ok(
            ledger.all().stream()
                .filter(d -> readable.test(ingest.thingId(d.deviceId())))
                .sorted(Comparator.comparing(DeviceRecord::deviceId))
                .toList())
        .build();
  }

  @GET
  @Path("/{deviceId}")
  public Response get(@PathParam("deviceId") String deviceId) {
    // before the lookup, so a refused caller does not learn whether the device exists
    var refused = grants.refusal(TwinGrant.Access.READ, ingest.thingId(deviceId));
    if (refused.isPresent()) {
      return refused.get();
    }
    return ledger
        .find(deviceId)
        .map(d -> Response.ok(d).build())
        .orElseGet(() -> Problems.notFound("no device " + deviceId));
  }

  @POST
  @Path("/{deviceId}/revoke")
  @Operation(
      summary =
          "Revoke a device: the broker disconnects it, and its connects, telemetry and"
              + " re-provisioning are refused from now on")
  public Response revoke(@PathParam("deviceId") String deviceId) {
    var refused = grants.refusal(TwinGrant.Access.WRITE, ingest.thingId(deviceId));
    if (refused.isPresent()) {
      return refused.get();
    }
    if (!ledger.revoke(deviceId)) {
      return Problems.notFound("no device " + deviceId);
    }
    revocations.fire(new DeviceRevoked(deviceId));
    return Response.ok(ledger.find(deviceId).orElseThrow()).build();
  }
}
