package io.bdt.platform;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import io.bdt.gateway.access.AccessTable;
import io.bdt.gateway.access.hivemq.BrokerAccessExtension;
import io.bdt.gateway.device.SecretHash;
import io.bdt.pki.Pem;
import io.bdt.pki.TlsContexts;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The platform's embedded MQTT broker (HiveMQ CE, in-process) on loopback ports, with the B-DT
 * device-identity extension: every client authenticates (gateways with service passwords this class
 * creates, devices with their issued secrets, anonymous refused) and is authorized per topic. A TLS
 * listener uses the platform CA's server certificate and accepts client certificates of that CA
 * (mutual TLS for certificate devices); the plain listener exists only when asked for.
 */
public final class MqttBroker implements AutoCloseable {
  static {
    Platform.useLogback(); // HiveMQ configures its logging through Logback, whoever starts it
  }

  private final EmbeddedHiveMQ hivemq;
  private final String url;
  private final String tlsUrl;
  private final Map<String, Path> passwordFiles;

  /**
   * Starts a broker with its files under {@code dir}.
   *
   * @param plainPort plain-text listener port (0 = any free port, -1 = none)
   * @param pki the platform CA and server certificate for the TLS listener (on a free port)
   * @param gatewayIds gateways that get a service account; their password files are in {@code
   *     dir/accounts}
   */
  public MqttBroker(Path dir, int plainPort, PlatformPki pki, List<String> gatewayIds)
      throws IOException {
    SecureRandom random = new SecureRandom();
    Map<String, String> hashes = new LinkedHashMap<>();
    passwordFiles = new LinkedHashMap<>();
    for (String id : gatewayIds) {
      byte[] secret = new byte[24];
      random.nextBytes(secret);
      String password = HexFormat.of().formatHex(secret);
      Path file = dir.resolve("accounts").resolve(id + ".password");
      Pem.writeSecret(file, password + "\n");
      passwordFiles.put(id, file);
      hashes.put(id, SecretHash.hash(password, random));
    }
    Path conf = Files.createDirectories(dir.resolve("conf"));
    StringBuilder listeners = new StringBuilder();
    if (plainPort >= 0) {
      plainPort = plainPort == 0 ? freePort() : plainPort;
      listeners.append(
          "<tcp-listener><port>%d</port><bind-address>127.0.0.1</bind-address></tcp-listener>"
              .formatted(plainPort));
    }
    int tlsPort = freePort();
    char[] storePassword = HexFormat.of().formatHex(random.generateSeed(16)).toCharArray();
    Path keystore = dir.resolve("tls").resolve("server.p12");
    Path truststore = dir.resolve("tls").resolve("trust.p12");
    try {
      TlsContexts.write(
          TlsContexts.keyStore(
              Pem.readCertificates(pki.serverCertificate()),
              Pem.readPrivateKey(pki.serverKey()),
              storePassword),
          keystore,
          storePassword);
      TlsContexts.write(
          TlsContexts.trustStore(List.of(pki.ca().certificate())), truststore, storePassword);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot build the broker's TLS key stores: " + e, e);
    }
    String pw = new String(storePassword);
    listeners.append(
        """
        <tls-tcp-listener>
          <port>%d</port><bind-address>127.0.0.1</bind-address>
          <tls>
            <protocols><protocol>TLSv1.3</protocol><protocol>TLSv1.2</protocol></protocols>
            <keystore><path>%s</path><password>%s</password><private-key-password>%s</private-key-password></keystore>
            <truststore><path>%s</path><password>%s</password></truststore>
            <client-authentication-mode>OPTIONAL</client-authentication-mode>
          </tls>
        </tls-tcp-listener>
        """
            .formatted(tlsPort, keystore, pw, pw, truststore, pw));
    // the configuration holds the key store password: owner-only, like the key store
    Pem.writeSecret(
        conf.resolve("config.xml"),
        """
        <?xml version="1.0"?>
        <hivemq>
          <listeners>
          %s
          </listeners>
          <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
        </hivemq>
        """
            .formatted(listeners));
    // HiveMQ reads its Logback configuration from its configuration folder: warnings only
    Files.writeString(
        conf.resolve("logback.xml"),
        """
        <configuration>
          <appender name="err" class="ch.qos.logback.core.ConsoleAppender">
            <target>System.err</target>
            <encoder><pattern>mqtt %-5level %msg%n</pattern></encoder>
          </appender>
          <!-- the platform's embedded Kafka logs through the same Logback: its own label, and
               only errors (its warnings are about its own start-up and shutdown) -->
          <appender name="kafka" class="ch.qos.logback.core.ConsoleAppender">
            <target>System.err</target>
            <encoder><pattern>kafka %-5level %msg%n</pattern></encoder>
          </appender>
          <logger name="org.apache.kafka" level="ERROR" additivity="false">
            <appender-ref ref="kafka"/>
          </logger>
          <logger name="kafka" level="ERROR" additivity="false"><appender-ref ref="kafka"/></logger>
          <!-- failed TLS handshakes (logged at DEBUG only): untrusted client certificates are
               counted as refusals (HandshakeRefusals) -->
          <appender name="handshakes" class="io.bdt.platform.HandshakeRefusals"/>
          <logger name="com.hivemq.security.ssl.SslExceptionHandler" level="DEBUG"
              additivity="false"><appender-ref ref="handshakes"/></logger>
          <root level="WARN"><appender-ref ref="err"/></root>
        </configuration>
        """);
    BrokerAccessExtension extension = new BrokerAccessExtension(new AccessTable(hashes));
    HandshakeRefusals.reportTo(extension);
    hivemq =
        EmbeddedHiveMQ.builder()
            .withConfigurationFolder(conf)
            .withDataFolder(Files.createDirectories(dir.resolve("data")))
            .withExtensionsFolder(Files.createDirectories(dir.resolve("extensions")))
            .withEmbeddedExtension(
                EmbeddedExtension.builder()
                    .withId("bdt-device-identity")
                    .withName("B-DT device identity")
                    .withVersion("1")
                    .withExtensionMain(extension)
                    .build())
            .build();
    hivemq.start().join();
    url = plainPort >= 0 ? "tcp://127.0.0.1:" + plainPort : null;
    tlsUrl = "ssl://127.0.0.1:" + tlsPort;
  }

  /** The plain-text listener's URL, or null when there is none. */
  public String url() {
    return url;
  }

  /** The TLS listener's URL. */
  public String tlsUrl() {
    return tlsUrl;
  }

  /** The owner-only file holding gateway {@code gatewayId}'s MQTT password. */
  public Path passwordFile(String gatewayId) {
    return passwordFiles.get(gatewayId);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws Exception {
    hivemq.stop().join();
    hivemq.close();
  }
}
