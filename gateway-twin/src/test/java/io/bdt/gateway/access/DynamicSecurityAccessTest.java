package io.bdt.gateway.access;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DynamicSecurityAccessTest {

  @Test
  void readsARefusedConnectFromMosquittosLog() {
    assertThat(
            DynamicSecurityAccess.refusalIn(
                "1796230742: Client <unknown> disconnected, not authorised."))
        .hasValueSatisfying(
            r -> {
              assertThat(r.reason()).isEqualTo(Refusal.Reason.CONNECT_REFUSED);
              assertThat(r.client()).isEqualTo("<unknown>");
              assertThat(r.gatewayId()).isEmpty();
            });
  }

  @Test
  void readsAClientCertificateThatFailedVerificationFromMosquittosErrorLog() {
    // what Mosquitto 2.0.11 with OpenSSL 3 publishes on $SYS/broker/log/E for a client
    // certificate of another CA on a require_certificate listener
    assertThat(
            DynamicSecurityAccess.refusalIn(
                "1796279393: OpenSSL Error[0]: error:0A000086:SSL routines::certificate verify"
                    + " failed"))
        .hasValueSatisfying(
            r -> assertThat(r.reason()).isEqualTo(Refusal.Reason.UNTRUSTED_CERTIFICATE));
  }

  @Test
  void doesNotTakeAClientsDistrustOfTheBrokerOrAMissingCertificateForAnUntrustedOne() {
    assertThat(
            DynamicSecurityAccess.refusalIn(
                "1796279484: OpenSSL Error[0]: error:0A000418:SSL routines::tlsv1 alert unknown ca"))
        .isEmpty();
    assertThat(
            DynamicSecurityAccess.refusalIn(
                "1796279393: OpenSSL Error[0]: error:0A0000C7:SSL routines::peer did not return a"
                    + " certificate"))
        .isEmpty();
  }

  @Test
  void ignoresOtherLogLines() {
    assertThat(DynamicSecurityAccess.refusalIn("1796230742: Client cid1 disconnected.")).isEmpty();
    assertThat(
            DynamicSecurityAccess.refusalIn(
                "1796230742: New client connected from 127.0.0.1:56918 as cid1 (p2, c1, k60)."))
        .isEmpty();
  }

  @Test
  void deviceRoleAllowsOnlyItsOwnTopics() {
    var role = DynsecCommands.createRole(new ClientRole.Device("vib-1", "gw1"), "gw1").path("acls");
    assertThat(role.findValuesAsText("topic"))
        .contains("bdt/gw1/devices/vib-1/telemetry", "bdt/gw1/devices/vib-1/commands")
        .allMatch(t -> t.contains("vib-1"));
    assertThat(role.findValuesAsText("acltype"))
        .containsOnly("publishClientSend", "subscribePattern");
  }

  @Test
  void provisioningRoleRefusesReplyWildcards() {
    var acls =
        DynsecCommands.createRole(new ClientRole.Provisioning("vib-key", "+"), "gw1").path("acls");
    boolean denied = false;
    for (var acl : acls) {
      if (acl.path("topic").asText().equals("bdt/gw1/provision/reply/+")
          && acl.path("acltype").asText().equals("subscribeLiteral")) {
        denied = !acl.path("allow").asBoolean(true) && acl.path("priority").asInt() > 0;
      }
    }
    assertThat(denied).isTrue();
  }
}
