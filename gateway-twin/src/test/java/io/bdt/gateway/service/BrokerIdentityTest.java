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
 * extension: it reports every refusal with its reason, so the gateway counts each under its own
 * (failed TLS handshakes through its handshake log, {@link HandshakeRefusalHandler}). Certificate
 * devices use its TLS listener, where a client certificate is optional: a JDK client holding only a
 * certificate of another CA sends none (HiveMQ names the CA it accepts) and is refused as
 * anonymous; one that presents it anyway fails the handshake.
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
    // failed handshakes reach the extension through HiveMQ's handshake log (HandshakeRefusalHandler
    // here, the platform's HandshakeRefusals in deploy)
    return Optional.of(reason.tag());
  }

  @Override
  CertificateListener certificateListener() {
    return new CertificateListener(IdentityBroker.tlsUrl, IdentityBroker.ca);
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
