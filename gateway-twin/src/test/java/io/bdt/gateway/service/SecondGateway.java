package io.bdt.gateway.service;

import io.bdt.gateway.GatewayConfig;
import io.bdt.gateway.device.DeviceProfile;
import io.bdt.gateway.device.FileDeviceLedger;
import io.bdt.gateway.device.Provisioner;
import io.bdt.gateway.inference.SensorWindows;
import io.bdt.gateway.ingest.TelemetryIngest;
import io.bdt.gateway.mqtt.MqttGateway;
import io.bdt.gateway.twin.TwinStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * A second gateway on the test broker, built in this JVM from the same parts as the service (twin
 * store, file device ledger, provisioner with the test profile, MQTT side), with its own metrics.
 */
final class SecondGateway implements AutoCloseable {

  final String id;
  final FileDeviceLedger ledger;
  final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final TwinStore twins;
  private final MqttGateway mqtt;

  SecondGateway(String brokerUrl, String id) throws Exception {
    this.id = id;
    Path dir = Files.createTempDirectory("bdt-" + id);
    GatewayConfig config =
        new SmallRyeConfigBuilder()
            .withMapping(GatewayConfig.class)
            .withDefaultValues(
                Map.of(
                    "bdt.gateway.id", id,
                    "bdt.gateway.mqtt.url", brokerUrl,
                    "bdt.gateway.data-dir", dir.toString()))
            .build()
            .getConfigMapping(GatewayConfig.class);
    Clock clock = Clock.systemUTC();
    twins = TwinStore.open(dir.resolve("twins"), clock, 10);
    ledger = new FileDeviceLedger(dir.resolve("devices.json"));
    Provisioner provisioner =
        new Provisioner(
            List.of(
                new DeviceProfile(
                    "vibration-sensor", "vib-key", Provisioner.sha256Hex("vib-secret"))),
            ledger,
            id,
            new SecureRandom(),
            clock);
    mqtt =
        new MqttGateway(
            config,
            provisioner,
            new TelemetryIngest(twins, ledger, new SensorWindows(), clock, config, meters),
            meters,
            ledger);
    mqtt.connect();
  }

  /** Provisioning requests this gateway answered with {@code outcome} (provisioned, refused). */
  double answered(String outcome) {
    return meters.find("bdt.provisioning.requests").tag("outcome", outcome).counters().stream()
        .mapToDouble(Counter::count)
        .sum();
  }

  /** Requests it refused for {@code reason}. */
  double refused(String reason) {
    return meters.find("bdt.provisioning.requests").tag("reason", reason).counters().stream()
        .mapToDouble(Counter::count)
        .sum();
  }

  @Override
  public void close() throws Exception {
    mqtt.disconnect();
    twins.close();
  }
}
