package io.bdt.platform;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import io.bdt.gateway.access.AccessTable;
import io.bdt.gateway.access.hivemq.BrokerAccessExtension;
import io.bdt.gateway.device.SecretHash;
import io.bdt.pki.Pem;
import io.bdt.pki.TlsContexts;
import java.io.IOException;
import java.net.InetAddress;
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

  /**
   * Selects Logback as the SLF4J provider now, for a program that starts the broker only after
   * other parts have logged (the provider is fixed by the first log): loading this class does it.
   */
  public static void selectLogging() {
    Platform.useLogback();
  }

  private EmbeddedHiveMQ hivemq;
  private final Path dir;
  private final BrokerAccessExtension extension;
  private final String url;
  private final String tlsUrl;
  private final Map<String, Path> passwordFiles;

  /**
   * Starts a broker with its files under {@code dir}.
   *
   * @param plainPort plain-text listener port (0 = any free port, -1 = none)
   * @param pki the platform CA and server certificate for the TLS listener (on {@link #TLS_PORT},
   *     or a free port when that is taken)
   * @param gatewayIds gateways that get a service account; their password files are in {@code
   *     dir/accounts}
   */
  public MqttBroker(Path dir, int plainPort, PlatformPki pki, List<String> gatewayIds)
      throws IOException {
    this(dir, plainPort, pki, gatewayIds, Persistence.FILE);
  }

  /** Where the broker keeps sessions and their queued messages. */
  public enum Persistence {
    /** In its data folder: a broker restart keeps every session's queue (the default). */
    FILE,
    /** In memory only: a broker restart loses what was queued for clients that were away. */
    IN_MEMORY;

    String xml() {
      return this == FILE ? "file" : "in-memory";
    }
  }

  /**
   * Messages queued per client (offline, or beyond its in-flight window) before the broker discards
   * new ones; HiveMQ CE's default is 1,000, which a gateway down for a second at 1,000 msg/s
   * overflows. Queues live in the data folder with {@link Persistence#FILE}.
   */
  public static final int MAX_QUEUED_MESSAGES = 1_000_000;

  /**
   * Unacknowledged QoS 1 messages the broker sends a subscriber before it waits for PUBACKs (the
   * subscriber's Receive Maximum lowers it). HiveMQ CE caps it at 50 internally, with no setting in
   * its configuration file; a gateway acknowledges only after its twin journal's fsync, so 50 /
   * (fsync + scheduling delay) bounded its ingest to about 1,000 msg/s on a loaded machine, and a
   * subscriber that acknowledges at once was bounded the same way (docs/benchmarks.md).
   */
  public static final int INFLIGHT_WINDOW = 1_000;

  /**
   * The TLS listener's port (MQTT over TLS, IANA's {@code secure-mqtt}) unless another program on
   * this machine has it, e.g. a second platform or the machine's own broker: then any free port,
   * printed.
   */
  public static final int TLS_PORT = 8883;

  /**
   * As {@link #MqttBroker(Path, int, PlatformPki, List)}, keeping sessions per {@code persistence}.
   */
  public MqttBroker(
      Path dir, int plainPort, PlatformPki pki, List<String> gatewayIds, Persistence persistence)
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
    int tlsPort = portOr(TLS_PORT);
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
          <mqtt>
            <queued-messages>
              <max-queue-size>%d</max-queue-size><strategy>discard</strategy>
            </queued-messages>
          </mqtt>
          <persistence><mode>%s</mode></persistence>
          <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
        </hivemq>
        """
            .formatted(listeners, MAX_QUEUED_MESSAGES, persistence.xml()));
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
    this.dir = dir;
    extension = new BrokerAccessExtension(new AccessTable(hashes));
    HandshakeRefusals.reportTo(extension);
    hivemq = build();
    hivemq.start().join();
    url = plainPort >= 0 ? "tcp://127.0.0.1:" + plainPort : null;
    tlsUrl = "ssl://127.0.0.1:" + tlsPort;
  }

  /** A HiveMQ on the configuration and data folders under {@code dir}, with the extension. */
  private EmbeddedHiveMQ build() throws IOException {
    // HiveMQ's internal knob (a static field read per delivery): every embedded broker in this JVM
    com.hivemq.configuration.service.InternalConfigurations.MAX_INFLIGHT_WINDOW_SIZE_MESSAGES =
        INFLIGHT_WINDOW;
    Path conf = dir.resolve("conf");
    return EmbeddedHiveMQ.builder()
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

  /** {@code preferred} when nothing on this machine listens on it yet, else any free port. */
  private static int portOr(int preferred) throws IOException {
    try (ServerSocket s = new ServerSocket(preferred, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException taken) {
      int port = freePort();
      System.err.printf(
          "mqtt: port %d is in use; the broker's TLS listener is on %d instead%n", preferred, port);
      return port;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /**
   * Stops the broker (every client disconnected, its state saved to the data folder) and starts a
   * new one on the same configuration, ports and data folder after {@code down}; returns once it
   * accepts connections. A new instance: an embedded HiveMQ cannot be started again after a stop
   * (its metrics are registered twice).
   */
  public synchronized void restart(java.time.Duration down)
      throws IOException, InterruptedException {
    hivemq.stop().join();
    try {
      hivemq.close();
    } catch (Exception e) {
      throw new IOException("the MQTT broker did not close: " + e, e);
    }
    Thread.sleep(down.toMillis());
    hivemq = build();
    hivemq.start().join();
  }

  @Override
  public void close() throws Exception {
    hivemq.stop().join();
    hivemq.close();
  }
}
