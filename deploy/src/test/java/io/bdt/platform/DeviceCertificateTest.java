package io.bdt.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bdt.cli.Bdt;
import io.bdt.gateway.access.AccessTable;
import io.bdt.gateway.access.ExtensionAccess;
import io.bdt.gateway.access.TopicPolicy;
import io.bdt.gateway.device.DeviceRecord;
import io.bdt.gateway.device.SecretHash;
import io.bdt.gateway.mqtt.MessageCallback;
import io.bdt.gateway.sim.DeviceSimulator;
import io.bdt.pki.Pem;
import io.bdt.pki.PlatformCa;
import io.bdt.pki.RevocationList;
import io.bdt.pki.TlsContexts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificate devices on the platform's embedded broker: with the files {@code ./bdt pki
 * issue-device} writes a device connects by mutual TLS (no password) and the broker takes it for
 * the device named in the certificate (its own telemetry reaches the gateway, another device's
 * topic does not); a certificate of another CA fails the handshake and is reported to the gateways
 * as {@code untrusted-certificate}.
 */
@Timeout(120)
class DeviceCertificateTest {

  @TempDir Path dir;

  @Test
  void aDeviceConnectsWithItsIssuedCertificateAsTheDeviceItNames() throws Exception {
    PlatformPki pki = PlatformPki.open(dir.resolve("pki"), Clock.systemUTC());
    try (MqttBroker broker = new MqttBroker(dir.resolve("mqtt"), -1, pki, List.of("gw1"))) {
      List<String> seen = new CopyOnWriteArrayList<>();
      MqttAsyncClient gateway = gateway(broker, pki, "bdt/gw1/devices/+/telemetry", seen);
      // the gateway lets cert-1 in, as it does after provisioning it
      new ExtensionAccess("gw1", Map.of())
          .grant(
              gateway,
              new DeviceRecord(
                  "cert-1",
                  "vibration-sensor",
                  SecretHash.hash("never-used", new SecureRandom()),
                  false,
                  Instant.now()),
              "never-used");
      Path out = dir.resolve("device");

      int status =
          Bdt.commandLine()
              .execute(
                  "pki",
                  "issue-device",
                  "--data",
                  dir.toString(),
                  "--device",
                  "cert-1",
                  "--out",
                  out.toString());

      assertThat(status).isZero();
      Path cert = out.resolve("cert-1.pem");
      Path key = out.resolve("cert-1-key.pem");
      for (Path file : List.of(cert, key)) {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
            .as(file.toString())
            .isEqualTo("rw-------");
      }
      MqttClient device =
          DeviceSimulator.boundedClient(broker.tlsUrl(), "cert-1-" + UUID.randomUUID());
      MqttConnectionOptions options = new MqttConnectionOptions();
      options.setSocketFactory(
          TlsContexts.fromPem(pki.caCertificate(), Optional.of(cert), Optional.of(key))
              .getSocketFactory());
      device.connect(options);
      try {
        device.publish("bdt/gw1/devices/cert-1/telemetry", message("{\"own\":1}"));
        Instant giveUp = Instant.now().plus(Duration.ofSeconds(15));
        while (seen.isEmpty() && Instant.now().isBefore(giveUp)) {
          Thread.sleep(20);
        }
        assertThat(seen).containsExactly("bdt/gw1/devices/cert-1/telemetry");

        // the broker knows it as cert-1: another device's topic is refused, and HiveMQ cuts the
        // client off for it ("Not authorized to publish on topic ...")
        try {
          device.publish("bdt/gw1/devices/other-1/telemetry", message("{\"forged\":1}"));
        } catch (MqttException refused) {
          // the disconnect can overtake the PUBACK
        }
        Instant cutOff = Instant.now().plus(Duration.ofSeconds(15));
        while (device.isConnected() && Instant.now().isBefore(cutOff)) {
          Thread.sleep(20);
        }
        assertThat(device.isConnected()).as("connected after the refused publish").isFalse();
        assertThat(seen).containsExactly("bdt/gw1/devices/cert-1/telemetry");
      } finally {
        DeviceSimulator.disconnectAndClose(device);
        gateway.disconnect().waitForCompletion(5_000);
        gateway.close();
      }
    }
  }

  @Test
  void reportsAClientCertificateOfAnotherCaAsUntrusted() throws Exception {
    PlatformPki pki = PlatformPki.open(dir.resolve("pki"), Clock.systemUTC());
    PlatformCa other =
        PlatformCa.openOrCreate(
            dir.resolve("other-ca"), "another CA", Duration.ofDays(30), Clock.systemUTC());
    Path cert = dir.resolve("intruder.pem");
    Path key = dir.resolve("intruder-key.pem");
    other.issueClient("cert-1", Duration.ofDays(30)).write(cert, key);
    try (MqttBroker broker = new MqttBroker(dir.resolve("mqtt"), -1, pki, List.of("gw1"))) {
      List<String> refusals = new CopyOnWriteArrayList<>();
      MqttAsyncClient gateway = gateway(broker, pki, TopicPolicy.REFUSALS, refusals);
      try {
        MqttClient intruder = DeviceSimulator.boundedClient(broker.tlsUrl(), "intruder");
        MqttConnectionOptions options = new MqttConnectionOptions();
        // presents its certificate whatever CAs the broker asks for (a JDK client left to choose
        // sends none, and is refused as anonymous; mosquitto_pub and OpenSSL send it anyway)
        options.setSocketFactory(
            TlsContexts.presenting(pki.caCertificate(), cert, key).getSocketFactory());

        assertThatThrownBy(() -> intruder.connect(options)).isInstanceOf(MqttException.class);
        DeviceSimulator.disconnectAndClose(intruder);

        Instant giveUp = Instant.now().plus(Duration.ofSeconds(15));
        while (refusals.isEmpty() && Instant.now().isBefore(giveUp)) {
          Thread.sleep(20);
        }
        assertThat(refusals).hasSize(1);
        assertThat(refusals.getFirst()).contains("\"reason\":\"untrusted-certificate\"");
      } finally {
        gateway.disconnect().waitForCompletion(5_000);
        gateway.close();
      }
    }
  }

  /**
   * A Kubernetes network's CA as {@code deploy/k8s/new-network.sh} makes it (OpenSSL, EC P-256, in
   * a directory of its own): {@code sign-crl --ca-dir} writes its first, empty list there, signed
   * by that CA, and {@code revoke-device --ca-dir} adds a certificate it issued.
   */
  @Test
  void signCrlAndRevokeDeviceWorkOnANetworkCaMadeByOpenSsl() throws Exception {
    Path ca = java.nio.file.Files.createDirectories(dir.resolve("secrets/tls"));
    openssl(
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-days",
        "30",
        "-subj",
        "/CN=B-DT network CA",
        "-keyout",
        ca.resolve("ca-key.pem").toString(),
        "-out",
        ca.resolve("ca.pem").toString());

    assertThat(Bdt.commandLine().execute("pki", "sign-crl", "--ca-dir", ca.toString())).isZero();
    java.security.cert.X509CRL first = RevocationList.read(ca.resolve("crl.pem"));
    first.verify(Pem.readCertificate(ca.resolve("ca.pem")).getPublicKey());
    assertThat(first.getRevokedCertificates()).isNull();

    Path cert = dir.resolve("dev-1.pem");
    PlatformCa.open(ca, Clock.systemUTC())
        .issueClient("dev-1", Duration.ofDays(30))
        .write(cert, dir.resolve("dev-1-key.pem"));
    assertThat(
            Bdt.commandLine()
                .execute(
                    "pki",
                    "revoke-device",
                    "--ca-dir",
                    ca.toString(),
                    "--certificate",
                    cert.toString()))
        .isZero();
    assertThat(
            RevocationList.open(PlatformCa.open(ca, Clock.systemUTC()), Clock.systemUTC())
                .revoked(Pem.readCertificate(cert)))
        .isTrue();
  }

  private static void openssl(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(said).isZero();
  }

  @Test
  void revokeDevicePutsTheCertificateOnTheCasRevocationList() throws Exception {
    PlatformPki.open(dir.resolve("pki"), Clock.systemUTC());
    Path out = dir.resolve("device");
    for (String id : List.of("cert-8", "cert-9")) {
      assertThat(
              Bdt.commandLine()
                  .execute(
                      "pki",
                      "issue-device",
                      "--data",
                      dir.toString(),
                      "--device",
                      id,
                      "--out",
                      out.toString()))
          .isZero();
    }

    int status =
        Bdt.commandLine()
            .execute(
                "pki",
                "revoke-device",
                "--data",
                dir.toString(),
                "--certificate",
                out.resolve("cert-9.pem").toString());

    assertThat(status).isZero();
    RevocationList crl =
        RevocationList.open(
            PlatformCa.open(dir.resolve("pki"), Clock.systemUTC()), Clock.systemUTC());
    assertThat(crl.revoked(Pem.readCertificate(out.resolve("cert-9.pem")))).isTrue();
    assertThat(crl.revoked(Pem.readCertificate(out.resolve("cert-8.pem")))).isFalse();
  }

  @Test
  void revokeDeviceRefusesACertificateOfAnotherCa() throws Exception {
    PlatformPki.open(dir.resolve("pki"), Clock.systemUTC());
    PlatformCa other =
        PlatformCa.openOrCreate(
            dir.resolve("other-ca"), "another CA", Duration.ofDays(30), Clock.systemUTC());
    Path cert = dir.resolve("foreign.pem");
    other.issueClient("cert-1", Duration.ofDays(30)).write(cert, dir.resolve("foreign-key.pem"));

    int status =
        Bdt.commandLine()
            .execute(
                "pki", "revoke-device", "--data", dir.toString(), "--certificate", cert.toString());

    assertThat(status).isEqualTo(2);
    assertThat(dir.resolve("pki").resolve(RevocationList.FILE)).doesNotExist();
  }

  @Test
  void refusesAnIdThatIsNoDeviceId() {
    int status =
        Bdt.commandLine()
            .execute("pki", "issue-device", "--data", dir.toString(), "--device", "gateway:gw1");

    assertThat(status).isEqualTo(2);
  }

  private static MqttMessage message(String json) {
    MqttMessage m = new MqttMessage(json.getBytes(StandardCharsets.UTF_8));
    m.setQos(1);
    return m;
  }

  /** Gateway gw1's own connection, subscribed to {@code filter}. */
  private static MqttAsyncClient gateway(
      MqttBroker broker, PlatformPki pki, String filter, List<String> seen) throws Exception {
    MqttAsyncClient gateway =
        new MqttAsyncClient(broker.tlsUrl(), "gw1-" + UUID.randomUUID(), new MemoryPersistence());
    gateway.setCallback(
        new MessageCallback() {
          @Override
          public void messageArrived(String topic, MqttMessage message) {
            seen.add(topic.equals(filter) ? new String(message.getPayload()) : topic);
          }
        });
    MqttConnectionOptions options = new MqttConnectionOptions();
    options.setUserName(AccessTable.GATEWAY_PREFIX + "gw1");
    options.setPassword(
        Files.readString(broker.passwordFile("gw1")).strip().getBytes(StandardCharsets.UTF_8));
    options.setSocketFactory(
        TlsContexts.fromPem(pki.caCertificate(), Optional.empty(), Optional.empty())
            .getSocketFactory());
    gateway.connect(options).waitForCompletion(15_000);
    gateway.subscribe(new String[] {filter}, new int[] {1}).waitForCompletion(10_000);
    return gateway;
  }
}
