package io.bdt.gateway.api;

import io.bdt.contracts.auth.Roles;
import io.bdt.gateway.device.DeviceLedger;
import io.bdt.gateway.device.DeviceRecord;
import io.bdt.gateway.device.DeviceRevoked;
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
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** REST API of the device registry: list devices, read one, revoke one. */
@Path("/devices")
@RolesAllowed({Roles.DEVICE_ADMIN, Roles.OPERATOR})
@Produces(MediaType.APPLICATION_JSON)
public class DeviceResource {

  private final DeviceLedger ledger;
  private final Event<DeviceRevoked> revocations;

  public DeviceResource(DeviceLedger ledger, Event<DeviceRevoked> revocations) {
    this.ledger = ledger;
    this.revocations = revocations;
  }

  @GET
  @Operation(summary = "Every provisioned device (credential hashes only)")
  public List<DeviceRecord> all() {
    return ledger.all().stream().sorted(Comparator.comparing(DeviceRecord::deviceId)).toList();
  }

  @GET
  @Path("/{deviceId}")
  public Response get(@PathParam("deviceId") String deviceId) {
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
    if (!ledger.revoke(deviceId)) {
      return Problems.notFound("no device " + deviceId);
    }
    revocations.fire(new DeviceRevoked(deviceId));
    return Response.ok(ledger.find(deviceId).orElseThrow()).build();
  }
}
