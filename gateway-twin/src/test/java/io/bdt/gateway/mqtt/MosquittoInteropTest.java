package io.bdt.gateway.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bdt.gateway.GatewayConfig;
import io.bdt.gateway.device.DeviceProfile;
import io.bdt.gateway.device.FileDeviceLedger;
import io.bdt.gateway.device.Provisioner;
import io.bdt.gateway.inference.SensorWindows;
import io.bdt.gateway.ingest.TelemetryIngest;
import io.bdt.gateway.sim.DeviceSimulator;
import io.bdt.gateway.twin.TwinStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interoperability with a broker that is not the embedded one: the machine's Mosquitto at
 * 127.0.0.1:1883. Skipped (not failed) where no broker listens there.
 */
class MosquittoInteropTest {

  private static final String URL = "tcp://127.0.0.1:1883";

  @TempDir Path dir;

  private static boolean mosquittoListening() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", 1883), 300);
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  @Test
  void provisioningAndTelemetryWorkThroughMosquitto() throws Exception {
    assumeTrue(mosquittoListening(), "no MQTT broker at 127.0.0.1:1883");
    String gatewayId = "interop-" + UUID.randomUUID().toString().substring(0, 8);
    GatewayConfig config =
        new SmallRyeConfigBuilder()
            .withMapping(GatewayConfig.class)
            .withDefaultValues(
                Map.of(
                    "bdt.gateway.id", gatewayId,
                    "bdt.gateway.mqtt.url", URL,
                    "bdt.gateway.data-dir", dir.toString()))
            .build()
            .getConfigMapping(GatewayConfig.class);
    Clock clock = Clock.systemUTC();
    try (TwinStore twins = TwinStore.open(dir.resolve("twins"), clock, 10)) {
      FileDeviceLedger ledger = new FileDeviceLedger(dir.resolve("devices.json"));
      Provisioner provisioner =
          new Provisioner(
              List.of(new DeviceProfile("vib", "k", Provisioner.sha256Hex("s"))),
              ledger,
              gatewayId,
              new SecureRandom(),
              clock);
      TelemetryIngest ingest =
          new TelemetryIngest(
              twins, ledger, new SensorWindows(), clock, config, new SimpleMeterRegistry());
      MqttGateway gateway =
          new MqttGateway(config, provisioner, ingest, new SimpleMeterRegistry(), ledger);
      gateway.connect();
      try (DeviceSimulator device = new DeviceSimulator(URL, gatewayId)) {
        JsonNode reply = device.provision("k", "s", "m1");
        assertThat(reply.path("status").asText()).isEqualTo("provisioned");
        device.publishJson(
            "m1", new ObjectMapper().createObjectNode().put("rpm", 990), new float[0], 1);
        Instant deadline = Instant.now().plusSeconds(10);
        while (twins.get("bdt:m1").isEmpty() && Instant.now().isBefore(deadline)) {
          Thread.sleep(20);
        }
        assertThat(
                twins
                    .get("bdt:m1")
                    .orElseThrow()
                    .features()
                    .get("telemetry")
                    .properties()
                    .get("rpm")
                    .asInt())
            .isEqualTo(990);
      } finally {
        gateway.disconnect();
      }
    }
  }
}
