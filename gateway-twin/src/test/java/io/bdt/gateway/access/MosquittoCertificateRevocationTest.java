package io.bdt.gateway.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bdt.gateway.sim.DeviceSimulator;
import io.bdt.pki.Pem;
import io.bdt.pki.PlatformCa;
import io.bdt.pki.RevocationList;
import io.bdt.pki.TlsContexts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import javax.net.ssl.SSLHandshakeException;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A certificate device whose certificate the CA holder revoked is refused by Mosquitto 2 at the TLS
 * handshake: the certificate listener checks the CA's CRL ({@code crlfile}, {@link
 * RevocationList}), which Mosquitto rereads on SIGHUP. Mosquitto does not ask the dynamic security
 * plugin to log in clients of a {@code use_identity_as_username} listener, so without the CRL a
 * revoked certificate device still completes its CONNECT (with no role, it can do nothing).
 */
@Timeout(120)
class MosquittoCertificateRevocationTest {

  static MosquittoDynsec broker;

  @BeforeAll
  static void start() throws Exception {
    broker = MosquittoDynsec.startWithTls();
  }

  @AfterAll
  static void stop() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void aRevokedCertificateIsRefusedAtTheHandshakeOnceTheBrokerRereadsTheCrl() throws Exception {
    PlatformCa ca = broker.ca();
    Path[] revoked = certificate(ca, "crl-dev-1");
    Path[] kept = certificate(ca, "crl-dev-2");
    connectAndClose(revoked);

    RevocationList crl = RevocationList.open(ca, Clock.systemUTC());
    crl.revoke(read(revoked[0]), Duration.ofDays(1));
    broker.reload();

    assertThatThrownBy(() -> connectAndClose(revoked))
        .isInstanceOf(MqttException.class)
        .rootCause()
        .isInstanceOf(SSLHandshakeException.class);
    connectAndClose(kept);
    assertThat(RevocationList.open(ca, Clock.systemUTC()).revoked(read(revoked[0]))).isTrue();
  }

  private static X509Certificate read(Path cert) throws Exception {
    return Pem.readCertificate(cert);
  }

  private static Path[] certificate(PlatformCa ca, String deviceId) throws Exception {
    Path dir = Files.createTempDirectory("bdt-crl-device");
    Path cert = dir.resolve(deviceId + ".pem");
    Path key = dir.resolve(deviceId + "-key.pem");
    ca.issueClient(deviceId, Duration.ofDays(1)).write(cert, key);
    return new Path[] {cert, key};
  }

  /** Connects to the certificate listener presenting {@code files} (CONNACK 0), then leaves. */
  private static void connectAndClose(Path[] files) throws Exception {
    MqttClient client =
        DeviceSimulator.boundedClient(broker.certificateUrl(), "crl-" + UUID.randomUUID());
    MqttConnectionOptions options = new MqttConnectionOptions();
    options.setConnectionTimeout(10);
    options.setSocketFactory(
        TlsContexts.fromPem(
                broker.ca().certificateFile(), Optional.of(files[0]), Optional.of(files[1]))
            .getSocketFactory());
    try {
      client.connect(options);
    } finally {
      DeviceSimulator.disconnectAndClose(client);
    }
  }
}
