package io.bdt.gateway.service;

import io.bdt.gateway.access.DynamicSecurityAccess;
import io.bdt.gateway.access.Refusal;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import javax.net.ssl.SSLSocketFactory;

/**
 * {@link BrokerIdentityCases} against Mosquitto 2 with the dynamic security plugin, managed by the
 * gateway over {@code $CONTROL/dynamic-security/v1}; gateway, devices and provisioning clients
 * connect over TLS, certificate devices to the listener that requires a client certificate.
 * Mosquitto refuses the same attacks, but tells the gateway (through its log on {@code
 * $SYS/broker/log/N} and {@code .../E}) only of refused CONNECTs, and not why (counted as {@code
 * connect-refused}), of client certificates that failed verification ({@code
 * untrusted-certificate}) and of revoked certificate devices it let in on the certificate listener
 * ({@code revoked-device}, which the gateway then disconnects); denied PUBLISHes and SUBSCRIBEs are
 * refused to the client (PUBACK/SUBACK 0x87) without a trace the gateway can read, so they are not
 * counted.
 */
@QuarkusTest
@QuarkusTestResource(value = DynsecIdentityBroker.class, restrictToAnnotatedClass = true)
class MosquittoIdentityTest extends BrokerIdentityCases {

  @Override
  String url() {
    return DynsecIdentityBroker.broker.tlsUrl();
  }

  @Override
  SSLSocketFactory tls() {
    return trusting(DynsecIdentityBroker.broker.ca(), Optional.empty(), Optional.empty());
  }

  @Override
  CertificateListener certificateListener() {
    return new CertificateListener(
        DynsecIdentityBroker.broker.certificateUrl(), DynsecIdentityBroker.broker.ca());
  }

  @Override
  TestTokens tokens() {
    return DynsecIdentityBroker.tokens;
  }

  @Override
  String gatewayPassword() {
    return DynsecIdentityBroker.gatewayPassword;
  }

  @Override
  Optional<String> countedAs(Refusal.Reason reason) {
    return switch (reason) {
      case ANONYMOUS, UNKNOWN_CLIENT, WRONG_SECRET, REVOKED_DEVICE, CONNECT_REFUSED ->
          Optional.of(Refusal.Reason.CONNECT_REFUSED.tag());
      case UNTRUSTED_CERTIFICATE -> Optional.of(reason.tag());
      default -> Optional.empty();
    };
  }

  @Override
  String accessTopic() {
    return DynamicSecurityAccess.CONTROL;
  }

  @Override
  byte[] forgedRevoke(String deviceId) {
    return ("{\"commands\":[{\"command\":\"disableClient\",\"username\":\"" + deviceId + "\"}]}")
        .getBytes(StandardCharsets.UTF_8);
  }
}
