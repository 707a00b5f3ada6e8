package io.bdt.gateway.service;

import com.hivemq.embedded.EmbeddedHiveMQ;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Test resource: a real MQTT broker (HiveMQ CE, embedded) on a free port, and a fresh data
 * directory for the gateway; passes both to the service as config.
 */
public class EmbeddedBroker implements QuarkusTestResourceLifecycleManager {

  static volatile String url;
  static volatile Path dataDir;
  static volatile TestAccessPoint accessPoint;
  static volatile TestTokens tokens;
  private EmbeddedHiveMQ hivemq;

  @Override
  public Map<String, String> start() {
    try {
      Path root = Files.createTempDirectory("bdt-gateway-test");
      Path conf = Files.createDirectories(root.resolve("hivemq-conf"));
      int port;
      try (ServerSocket socket = new ServerSocket(0)) {
        port = socket.getLocalPort();
      }
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
      hivemq =
          EmbeddedHiveMQ.builder()
              .withConfigurationFolder(conf)
              .withDataFolder(Files.createDirectories(root.resolve("hivemq-data")))
              .withExtensionsFolder(Files.createDirectories(root.resolve("hivemq-ext")))
              .withoutLoggingBootstrap()
              .build();
      hivemq.start().join();
      url = "tcp://127.0.0.1:" + port;
      dataDir = root.resolve("gateway");
      accessPoint = new TestAccessPoint(dataDir.resolve("models/vibration-seed1/model.onnx"));
      tokens = new TestTokens(root.resolve("auth"));
      // the network's parameter set, with 0.1 s slots so the tests see many
      Path genesis = root.resolve("genesis.json");
      new com.fasterxml.jackson.databind.ObjectMapper()
          .writeValue(
              genesis.toFile(),
              Map.of("system", io.bdt.parameters.ChainParameters.NEW_NETWORK.withSlotSeconds(0.1)));
      return Map.ofEntries(
          Map.entry("mp.jwt.verify.publickey.location", tokens.publicKeyFile().toString()),
          Map.entry("bdt.gateway.inference.enabled", "true"),
          Map.entry("bdt.gateway.inference.genesis", genesis.toString()),
          Map.entry("bdt.gateway.inference.aps", accessPoint.url()),
          // a slow gateway (0.1 MFLOP/s) makes the whole model take 7 s locally: DPRA offloads even
          // when a loaded machine makes the measured uplink slow
          Map.entry("bdt.gateway.inference.gateway-flops-per-second", "1.0e5"),
          Map.entry("bdt.gateway.anchor.period", "0.5"),
          Map.entry("bdt.gateway.mqtt.url", url),
          Map.entry("bdt.gateway.data-dir", dataDir.toString()),
          Map.entry("bdt.gateway.id", "gw-test"),
          Map.entry("bdt.gateway.profiles.vibration-sensor.key", "vib-key"),
          Map.entry("bdt.gateway.profiles.vibration-sensor.secret", "vib-secret"));
    } catch (IOException e) {
      throw new IllegalStateException("could not start the embedded broker", e);
    }
  }

  @Override
  public void stop() {
    if (accessPoint != null) {
      accessPoint.close();
    }
    if (hivemq != null) {
      hivemq.stop().join();
      try {
        hivemq.close();
      } catch (Exception e) {
        // the broker is going away with the test JVM anyway
      }
    }
  }
}
