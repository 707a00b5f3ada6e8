package io.bdt.gateway.access;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TopicPolicyTest {

  private final ClientRole vib1 = new ClientRole.Device("vib-1", "gw1");
  private final ClientRole gw1 = new ClientRole.Gateway("gw1");
  private final ClientRole prov = new ClientRole.Provisioning("vib-key", "prov-42");

  @Test
  void letsADevicePublishOnlyItsOwnTelemetryAndSparkplugData() {
    assertThat(TopicPolicy.mayPublish(vib1, "bdt/gw1/devices/vib-1/telemetry")).isTrue();
    assertThat(TopicPolicy.mayPublish(vib1, "spBv1.0/plant/DDATA/gw1/vib-1")).isTrue();
    assertThat(TopicPolicy.mayPublish(vib1, "spBv1.0/plant/DBIRTH/gw1/vib-1")).isTrue();

    assertThat(TopicPolicy.mayPublish(vib1, "bdt/gw1/devices/vib-2/telemetry")).isFalse();
    assertThat(TopicPolicy.mayPublish(vib1, "bdt/gw2/devices/vib-1/telemetry")).isFalse();
    assertThat(TopicPolicy.mayPublish(vib1, "spBv1.0/plant/DDATA/gw1/vib-2")).isFalse();
    assertThat(TopicPolicy.mayPublish(vib1, "bdt/gw1/access")).isFalse();
  }

  @Test
  void neverTreatsAWildcardTopicAsPublishable() {
    assertThat(TopicPolicy.mayPublish(gw1, "bdt/gw1/provision/reply/+")).isFalse();
  }

  @Test
  void letsADeviceSubscribeOnlyToItsOwnCommands() {
    assertThat(TopicPolicy.maySubscribe(vib1, "bdt/gw1/devices/vib-1/commands")).isTrue();
    assertThat(TopicPolicy.maySubscribe(vib1, "spBv1.0/+/DCMD/gw1/vib-1")).isTrue();

    assertThat(TopicPolicy.maySubscribe(vib1, "#")).isFalse();
    assertThat(TopicPolicy.maySubscribe(vib1, "bdt/gw1/devices/+/commands")).isFalse();
    assertThat(TopicPolicy.maySubscribe(vib1, "bdt/gw1/devices/vib-1/#")).isFalse();
  }

  @Test
  void letsAProvisioningClientUseOnlyTopicsEndingInItsOwnRequestIds() {
    String nonce = "9f86d081884c7d659a2feaa0c55ad015";
    assertThat(TopicPolicy.mayPublish(prov, "bdt/gw1/provision/request/prov-42." + nonce)).isTrue();
    assertThat(TopicPolicy.maySubscribe(prov, "bdt/gw1/provision/reply/prov-42." + nonce)).isTrue();
    // its client id alone: the gateway answers why it refuses it
    assertThat(TopicPolicy.mayPublish(prov, "bdt/gw1/provision/request/prov-42")).isTrue();

    assertThat(TopicPolicy.maySubscribe(prov, "bdt/gw1/provision/reply/prov-43")).isFalse();
    assertThat(TopicPolicy.maySubscribe(prov, "bdt/gw1/provision/reply/prov-43." + nonce))
        .isFalse();
    assertThat(TopicPolicy.maySubscribe(prov, "bdt/gw1/provision/reply/prov-42.short")).isFalse();
    assertThat(TopicPolicy.maySubscribe(prov, "bdt/+/provision/reply/prov-42." + nonce)).isTrue();
    assertThat(TopicPolicy.maySubscribe(prov, "bdt/gw1/provision/reply/#")).isFalse();
    assertThat(TopicPolicy.maySubscribe(prov, "bdt/gw1/provision/reply/+")).isFalse();
    assertThat(TopicPolicy.mayPublish(prov, "bdt/gw1/devices/vib-1/telemetry")).isFalse();
  }

  @Test
  void letsAGatewayReadOnlyItsOwnDevicesAndRequests() {
    assertThat(TopicPolicy.maySubscribe(gw1, "bdt/gw1/devices/+/telemetry")).isTrue();
    assertThat(TopicPolicy.maySubscribe(gw1, "spBv1.0/+/DDATA/gw1/+")).isTrue();
    assertThat(TopicPolicy.maySubscribe(gw1, "bdt/gw1/provision/request/+")).isTrue();

    assertThat(TopicPolicy.maySubscribe(gw1, "bdt/gw2/devices/+/telemetry")).isFalse();
    assertThat(TopicPolicy.maySubscribe(gw1, "spBv1.0/+/DDATA/+/+")).isFalse();
    assertThat(TopicPolicy.maySubscribe(gw1, "bdt/gw2/provision/request/+")).isFalse();
    assertThat(TopicPolicy.maySubscribe(gw1, "#")).isFalse();
  }

  @Test
  void neverCoversSystemTopicsWithAWildcard() {
    assertThat(TopicPolicy.covers("+/x", "$SYS/x")).isFalse();
    assertThat(TopicPolicy.covers("a/+", "a/b/c")).isFalse();
    assertThat(TopicPolicy.covers("a/#", "a/b/c")).isTrue();
  }

  @Test
  void countsADeniedPublishToAnAccessCommandTopicAsABadAccessCommand() {
    assertThat(TopicPolicy.refusalReason(TopicPolicy.Access.PUBLISH, "bdt/gw1/access"))
        .isEqualTo(Refusal.Reason.BAD_ACCESS_COMMAND);
    assertThat(
            TopicPolicy.refusalReason(TopicPolicy.Access.PUBLISH, "$CONTROL/dynamic-security/v1"))
        .isEqualTo(Refusal.Reason.BAD_ACCESS_COMMAND);
    assertThat(TopicPolicy.refusalReason(TopicPolicy.Access.PUBLISH, "bdt/gw1/devices/d/access"))
        .isEqualTo(Refusal.Reason.PUBLISH_DENIED);
    assertThat(TopicPolicy.refusalReason(TopicPolicy.Access.PUBLISH, "bdt/gw1/devices/d/telemetry"))
        .isEqualTo(Refusal.Reason.PUBLISH_DENIED);
  }

  @Test
  void countsADeniedSubscriptionUnderAReplyTopicAsAForeignReply() {
    assertThat(TopicPolicy.refusalReason(TopicPolicy.Access.SUBSCRIBE, "bdt/gw1/provision/reply/+"))
        .isEqualTo(Refusal.Reason.FOREIGN_REPLY);
    assertThat(TopicPolicy.refusalReason(TopicPolicy.Access.SUBSCRIBE, "bdt/provision/reply/x"))
        .isEqualTo(Refusal.Reason.FOREIGN_REPLY);
    assertThat(TopicPolicy.refusalReason(TopicPolicy.Access.SUBSCRIBE, "#"))
        .isEqualTo(Refusal.Reason.SUBSCRIBE_DENIED);
  }

  @Test
  void anAccessTopicNamesItsGatewayAndNothingElseIsOne() {
    assertThat(TopicPolicy.accessTopicGateway(TopicPolicy.accessTopic("gw1"))).contains("gw1");
    assertThat(TopicPolicy.accessTopicGateway("bdt/gw1/devices/d/access")).isEmpty();
    assertThat(TopicPolicy.accessTopicGateway("bdt/access")).isEmpty();
    assertThat(TopicPolicy.accessTopicGateway(TopicPolicy.REFUSALS)).isEmpty();
  }
}
