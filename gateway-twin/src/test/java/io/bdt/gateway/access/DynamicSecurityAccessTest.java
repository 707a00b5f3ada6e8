package io.bdt.gateway.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
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

  @Test
  void readsTheUsernameOfAClientLetInFromMosquittosLog() {
    // a certificate device on a use_identity_as_username listener: its CN is the username
    assertThat(
            DynamicSecurityAccess.connectedUser(
                "1796230742: New client connected from 127.0.0.1:56918 as cid1 (p5, c1, k60,"
                    + " u'cert-1')."))
        .hasValue("cert-1");
    assertThat(
            DynamicSecurityAccess.connectedUser(
                "1796230742: New client connected from 127.0.0.1:56918 as cid1 (p2, c1, k60)."))
        .isEmpty();
    assertThat(DynamicSecurityAccess.connectedUser("1796230742: Client cid1 disconnected."))
        .isEmpty();
  }

  @Test
  void provisioningRoleAllowsOnlyTheRepliesOfGatewaysThatAddedThemselves() {
    var acls =
        DynsecCommands.createRole(new ClientRole.Provisioning("vib-key", "+"), "gw1").path("acls");
    java.util.List<String> allowed = new java.util.ArrayList<>();
    for (var acl : acls) {
      if (acl.path("acltype").asText().startsWith("subscribe") && acl.path("allow").asBoolean()) {
        allowed.add(acl.path("topic").asText());
      }
    }
    // never bdt/+/provision/reply/+: it would let a client wait on a gateway not added yet
    assertThat(allowed)
        .containsExactlyInAnyOrder("bdt/gw1/provision/reply/+", "bdt/provision/reply/+");
    var added = DynsecCommands.provisioningAcls(new ClientRole.Provisioning("vib-key", "+"), "gw2");
    assertThat(added.getFirst().path("command").asText()).isEqualTo("removeRoleACL");
    assertThat(added.getFirst().path("topic").asText()).isEqualTo("bdt/+/provision/reply/+");
    assertThat(added)
        .anySatisfy(
            c -> {
              assertThat(c.path("topic").asText()).isEqualTo("bdt/gw2/provision/reply/+");
              assertThat(c.path("acltype").asText()).isEqualTo("subscribeLiteral");
              assertThat(c.path("allow").asBoolean(true)).isFalse();
            });
  }

  @Test
  void passesEachDenialOfAPluginReportOnWithItsCountWhenItConcernsThisGateway() {
    List<Refusal> counted = new ArrayList<>();
    var access =
        new DynamicSecurityAccess(
            "gw1", "tcp://127.0.0.1:1", new MqttConnectionOptions(), "pw", Map.of(), counted::add);
    String report =
        """
        {"seq":4,"denied":[
          {"access":"subscribe","username":"gateway:gw1","clientid":"c1","topic":"#","count":2},
          {"access":"subscribe","username":"gateway:gw2","clientid":"c2","topic":"#","count":5},
          {"access":"subscribe","username":"provision:vib-key","clientid":"c3",
           "topic":"bdt/gw9/provision/reply/x.y","count":1},
          {"access":"write","username":"someone-elses-device","clientid":"c4",
           "topic":"bdt/gw2/devices/d/telemetry","count":7}],
         "unlisted":{"read":0,"write":3,"subscribe":0,"unsubscribe":0}}
        """;

    access.countDenials(report.getBytes(StandardCharsets.UTF_8));

    assertThat(counted)
        .extracting(
            r -> r.reason().tag() + " " + r.client() + " " + r.gatewayId() + " x" + r.count())
        .containsExactly(
            "subscribe-denied gateway:gw1 gw1 x2",
            "foreign-reply provision:vib-key  x1",
            "publish-denied <unlisted>  x3");
  }
}
