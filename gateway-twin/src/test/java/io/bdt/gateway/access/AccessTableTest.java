package io.bdt.gateway.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bdt.gateway.access.AccessTable.Authentication;
import io.bdt.gateway.device.DeviceRecord;
import io.bdt.gateway.device.SecretHash;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AccessTableTest {

  private final SecureRandom random = new SecureRandom();
  private final AccessTable table =
      new AccessTable(
          Map.of(
              "gw1", SecretHash.hash("gw1-pw", random), "gw2", SecretHash.hash("gw2-pw", random)));

  private DeviceRecord device(String id, String secret, boolean revoked) {
    return new DeviceRecord(id, "vib", SecretHash.hash(secret, random), revoked, Instant.EPOCH);
  }

  private Authentication connect(String user, String password) {
    return table.authenticate(Optional.ofNullable(user), Optional.ofNullable(password), "c1");
  }

  private static Refusal.Reason reason(Authentication a) {
    return ((Authentication.Refused) a).refusal().reason();
  }

  @Test
  void acceptsADeviceWithItsSecretAsThatDeviceOfItsGateway() {
    table.apply("gw1", new AccessCommand.Sync(Map.of(), List.of(device("vib-1", "s1", false))));

    assertThat(connect("vib-1", "s1"))
        .isEqualTo(new Authentication.Accepted(new ClientRole.Device("vib-1", "gw1")));
  }

  @Test
  void refusesAnonymousUnknownWrongAndRevokedClientsWithTheirReason() {
    table.apply(
        "gw1",
        new AccessCommand.Sync(
            Map.of(), List.of(device("vib-1", "s1", false), device("vib-2", "s2", true))));

    assertThat(reason(connect(null, null))).isEqualTo(Refusal.Reason.ANONYMOUS);
    assertThat(reason(connect("nobody", "x"))).isEqualTo(Refusal.Reason.UNKNOWN_CLIENT);
    assertThat(reason(connect("vib-1", "s2"))).isEqualTo(Refusal.Reason.WRONG_SECRET);
    assertThat(reason(connect("vib-2", "s2"))).isEqualTo(Refusal.Reason.REVOKED_DEVICE);
    assertThat(reason(connect("gateway:gw1", "gw2-pw"))).isEqualTo(Refusal.Reason.WRONG_SECRET);
  }

  @Test
  void acceptsGatewaysAndProvisioningClientsByTheirPrefixes() {
    table.apply(
        "gw1", new AccessCommand.Sync(Map.of("vib-key", SecretHash.hash("p", random)), List.of()));

    assertThat(connect("gateway:gw1", "gw1-pw"))
        .isEqualTo(new Authentication.Accepted(new ClientRole.Gateway("gw1")));
    assertThat(connect("provision:vib-key", "p"))
        .isEqualTo(new Authentication.Accepted(new ClientRole.Provisioning("vib-key", "c1")));
    assertThat(reason(connect("provision:vib-key", "q"))).isEqualTo(Refusal.Reason.WRONG_SECRET);
  }

  @Test
  void revocationRefusesTheNextConnectEvenWithTheCachedSecret() {
    table.apply("gw1", new AccessCommand.Grant("vib-1", SecretHash.hash("s1", random)));
    assertThat(connect("vib-1", "s1")).isInstanceOf(Authentication.Accepted.class);

    assertThat(table.apply("gw1", new AccessCommand.Revoke("vib-1"))).containsExactly("vib-1");

    assertThat(reason(connect("vib-1", "s1"))).isEqualTo(Refusal.Reason.REVOKED_DEVICE);
  }

  @Test
  void refusesAGatewayTouchingAnotherGatewaysDevice() {
    table.apply("gw1", new AccessCommand.Grant("vib-1", SecretHash.hash("s1", random)));

    assertThatThrownBy(() -> table.apply("gw2", new AccessCommand.Revoke("vib-1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gw1");
    assertThat(connect("vib-1", "s1")).isInstanceOf(Authentication.Accepted.class);
  }

  @Test
  void acceptsCertificatesNamingAProvisionedDeviceOnly() {
    table.apply("gw1", new AccessCommand.Grant("vib-1", SecretHash.hash("s1", random)));

    assertThat(table.authenticateCertificate("vib-1"))
        .isEqualTo(new Authentication.Accepted(new ClientRole.Device("vib-1", "gw1")));
    assertThat(reason(table.authenticateCertificate("vib-9")))
        .isEqualTo(Refusal.Reason.UNTRUSTED_CERTIFICATE);
  }

  @Test
  void decodesOnlyWellFormedCommandsWithSaltedHashes() {
    assertThatThrownBy(
            () ->
                AccessCommand.decode(
                    "{\"op\":\"grant\",\"deviceId\":\"a\",\"credentialHash\":\"abc\"}".getBytes()))
        .hasMessageContaining("salted");
    assertThatThrownBy(() -> AccessCommand.decode("{\"op\":\"drop\"}".getBytes()))
        .hasMessageContaining("unknown access op");
    AccessCommand grant = new AccessCommand.Grant("vib-1", SecretHash.hash("s", random));
    assertThat(AccessCommand.decode(AccessCommand.encode(grant))).isEqualTo(grant);
  }
}
