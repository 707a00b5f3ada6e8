package io.bdt.gateway.api;

import io.bdt.contracts.auth.Roles;
import io.bdt.gateway.device.DeviceLedger;
import io.bdt.gateway.device.DeviceRecord;
import jakarta.annotation.security.RolesAllowed;
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

  public DeviceResource(DeviceLedger ledger) {
    this.ledger = ledger;
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
  @Operation(summary = "Revoke a device: its telemetry and re-provisioning are refused from now on")
  public Response revoke(@PathParam("deviceId") String deviceId) {
    return ledger.revoke(deviceId)
        ? Response.ok(ledger.find(deviceId).orElseThrow()).build()
        : Problems.notFound("no device " + deviceId);
  }
}
