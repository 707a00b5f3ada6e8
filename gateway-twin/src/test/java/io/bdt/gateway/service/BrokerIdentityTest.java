package io.bdt.gateway.service;

import io.bdt.gateway.access.Refusal;
import io.bdt.gateway.access.TopicPolicy;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@link BrokerIdentityCases} against the embedded HiveMQ CE broker with the device-identity
 * extension: it reports every refusal with its reason, so the gateway counts each under its own.
 */
@QuarkusTest
@QuarkusTestResource(value = IdentityBroker.class, restrictToAnnotatedClass = true)
class BrokerIdentityTest extends BrokerIdentityCases {

  @Override
  String url() {
    return IdentityBroker.url;
  }

  @Override
  TestTokens tokens() {
    return IdentityBroker.tokens;
  }

  @Override
  String gatewayPassword() {
    return IdentityBroker.gatewayPassword;
  }

  @Override
  Optional<String> countedAs(Refusal.Reason reason) {
    return Optional.of(reason.tag());
  }

  @Override
  String accessTopic() {
    return TopicPolicy.accessTopic(GW);
  }

  @Override
  byte[] forgedRevoke(String deviceId) {
    return ("{\"op\":\"revoke\",\"deviceId\":\"" + deviceId + "\"}")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** The extension checks a provisioning client's reply topic against its own client id. */
  @Test
  void refusesAProvisioningClientNamingAnotherClientsReplyTopic() throws Exception {
    provisioningClientIsRefused("bdt/" + GW + "/provision/reply/someone-else");
  }
}
