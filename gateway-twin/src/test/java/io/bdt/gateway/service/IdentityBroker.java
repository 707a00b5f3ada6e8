package io.bdt.gateway.service;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import io.bdt.gateway.access.AccessTable;
import io.bdt.gateway.access.hivemq.BrokerAccessExtension;
import io.bdt.gateway.device.SecretHash;
import io.bdt.pki.IssuedCertificate;
import io.bdt.pki.PlatformCa;
import io.bdt.pki.TlsContexts;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Test resource: an embedded HiveMQ CE broker on a free port with the B-DT device-identity
 * extension, and the gateway {@value #GATEWAY} configured to manage it through its service account
 * (password in an owner-only file). Beside its plain listener it has a TLS listener as the
 * platform's ({@link #tlsUrl}: server certificate from a CA of its own, {@link #ca}; client
 * certificates of that CA optional), for certificate devices. Handshakes it fails on an untrusted
 * client certificate are reported to the extension as the platform's broker does ({@link
 * HandshakeRefusalHandler}).
 */
public class IdentityBroker implements QuarkusTestResourceLifecycleManager {

  static final String GATEWAY = "gw-sec";
  static final String PROFILE_KEY = "vib-key";
  static final String PROFILE_SECRET = "vib-secret";

  static volatile String url;
  static volatile String tlsUrl;
  static volatile PlatformCa ca;
  static volatile BrokerAccessExtension extension;
  static volatile String gatewayPassword;
  static volatile TestTokens tokens;
  private EmbeddedHiveMQ hivemq;

  /** An embedded extension running {@code main}. */
  static EmbeddedExtension embedded(BrokerAccessExtension main) {
    return EmbeddedExtension.builder()
        .withId("bdt-device-identity")
        .withName("B-DT device identity")
        .withVersion("1")
        .withExtensionMain(main)
        .build();
  }

  @Override
  public Map<String, String> start() {
    try {
      Path root = Files.createTempDirectory("bdt-identity-test");
      Path conf = Files.createDirectories(root.resolve("hivemq-conf"));
      int port;
      try (ServerSocket socket = new ServerSocket(0)) {
        port = socket.getLocalPort();
      }
      int tlsPort;
      try (ServerSocket socket = new ServerSocket(0)) {
        tlsPort = socket.getLocalPort();
      }
      ca =
          PlatformCa.openOrCreate(
              root.resolve("pki"), "B-DT test broker CA", Duration.ofDays(1), Clock.systemUTC());
      IssuedCertificate server = ca.issueServer(List.of("127.0.0.1"), Duration.ofDays(1));
      char[] storePassword =
          HexFormat.of().formatHex(new SecureRandom().generateSeed(16)).toCharArray();
      Path keystore = root.resolve("tls/server.p12");
      Path truststore = root.resolve("tls/trust.p12");
      Files.createDirectories(keystore.getParent());
      try {
        TlsContexts.write(
            TlsContexts.keyStore(server.chain(), server.key(), storePassword),
            keystore,
            storePassword);
        TlsContexts.write(
            TlsContexts.trustStore(List.of(ca.certificate())), truststore, storePassword);
      } catch (GeneralSecurityException e) {
        throw new IOException("cannot build the test broker's TLS key stores: " + e, e);
      }
      String pw = new String(storePassword);
      Files.writeString(
          conf.resolve("config.xml"),
          """
          <?xml version="1.0"?>
          <hivemq>
            <listeners>
              <tcp-listener><port>%d</port><bind-address>127.0.0.1</bind-address></tcp-listener>
              <tls-tcp-listener>
                <port>%d</port><bind-address>127.0.0.1</bind-address>
                <tls>
                  <keystore><path>%s</path><password>%s</password><private-key-password>%s</private-key-password></keystore>
                  <truststore><path>%s</path><password>%s</password></truststore>
                  <client-authentication-mode>OPTIONAL</client-authentication-mode>
                </tls>
              </tls-tcp-listener>
            </listeners>
            <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
          </hivemq>
          """
              .formatted(port, tlsPort, keystore, pw, pw, truststore, pw));
      SecureRandom random = new SecureRandom();
      byte[] secret = new byte[24];
      random.nextBytes(secret);
      gatewayPassword = HexFormat.of().formatHex(secret);
      Path passwordFile = root.resolve("gateway-mqtt-password");
      Files.createFile(
          passwordFile,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(passwordFile, gatewayPassword + "\n");
      extension =
          new BrokerAccessExtension(
              new AccessTable(Map.of(GATEWAY, SecretHash.hash(gatewayPassword, random))));
      HandshakeRefusalHandler.install(extension);
      hivemq =
          EmbeddedHiveMQ.builder()
              .withConfigurationFolder(conf)
              .withDataFolder(Files.createDirectories(root.resolve("hivemq-data")))
              .withExtensionsFolder(Files.createDirectories(root.resolve("hivemq-ext")))
              .withEmbeddedExtension(embedded(extension))
              .withoutLoggingBootstrap()
              .build();
      hivemq.start().join();
      url = "tcp://127.0.0.1:" + port;
      tlsUrl = "ssl://127.0.0.1:" + tlsPort;
      tokens = new TestTokens(root.resolve("auth"));
      return Map.ofEntries(
          Map.entry("mp.jwt.verify.publickey.location", tokens.publicKeyFile().toString()),
          Map.entry("bdt.gateway.mqtt.url", url),
          Map.entry("bdt.gateway.mqtt.access", "extension"),
          Map.entry("bdt.gateway.mqtt.password-file", passwordFile.toString()),
          Map.entry("bdt.gateway.data-dir", root.resolve("gateway").toString()),
          Map.entry("bdt.gateway.id", GATEWAY),
          Map.entry("bdt.gateway.anchor.period", "0"),
          Map.entry("bdt.gateway.profiles.vibration-sensor.key", PROFILE_KEY),
          Map.entry("bdt.gateway.profiles.vibration-sensor.secret", PROFILE_SECRET));
    } catch (IOException e) {
      throw new IllegalStateException("could not start the identity broker", e);
    }
  }

  @Override
  public void stop() {
    if (hivemq != null) {
      hivemq.stop().join();
      try {
        hivemq.close();
      } catch (Exception e) {
        // the broker goes away with the test JVM anyway
      }
    }
  }
}
