package io.bdt.platform;

import com.hivemq.embedded.EmbeddedHiveMQ;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/** The platform's embedded MQTT broker (HiveMQ CE, in-process) on a loopback port. */
final class MqttBroker implements AutoCloseable {
  private final EmbeddedHiveMQ hivemq;
  private final String url;

  /** Starts a broker on {@code port} (0 = any free port) with its files under {@code dir}. */
  MqttBroker(Path dir, int port) throws IOException {
    if (port == 0) {
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
    }
    Path conf = Files.createDirectories(dir.resolve("conf"));
    Files.writeString(
        conf.resolve("config.xml"),
        """
        <?xml version="1.0"?>
        <hivemq>
          <listeners>
            <tcp-listener><port>%d</port><bind-address>127.0.0.1</bind-address></tcp-listener>
          </listeners>
          <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
        </hivemq>
        """
            .formatted(port));
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
          <root level="WARN"><appender-ref ref="err"/></root>
        </configuration>
        """);
    hivemq =
        EmbeddedHiveMQ.builder()
            .withConfigurationFolder(conf)
            .withDataFolder(Files.createDirectories(dir.resolve("data")))
            .withExtensionsFolder(Files.createDirectories(dir.resolve("extensions")))
            .build();
    hivemq.start().join();
    url = "tcp://127.0.0.1:" + port;
  }

  /** The broker's URL. */
  String url() {
    return url;
  }

  @Override
  public void close() throws Exception {
    hivemq.stop().join();
    hivemq.close();
  }
}
