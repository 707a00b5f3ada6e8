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
 * (but for failed TLS handshakes, see {@link #countedAs}). Certificate devices use its TLS
 * listener, where a client certificate is optional: a JDK client holding only a certificate of
 * another CA sends none (HiveMQ names the CA it accepts) and is refused as anonymous.
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
    // failed handshakes reach the extension only through the platform's Logback routing
    // (HandshakeRefusals, DeviceCertificateTest in deploy), which this test broker does not have
    return reason == Refusal.Reason.UNTRUSTED_CERTIFICATE
        ? Optional.empty()
        : Optional.of(reason.tag());
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
