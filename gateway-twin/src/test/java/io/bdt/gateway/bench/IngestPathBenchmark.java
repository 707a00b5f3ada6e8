package io.bdt.gateway.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bdt.gateway.GatewayConfig;
import io.bdt.gateway.device.DeviceProfile;
import io.bdt.gateway.device.FileDeviceLedger;
import io.bdt.gateway.device.Provisioner;
import io.bdt.gateway.inference.SensorWindows;
import io.bdt.gateway.ingest.TelemetryIngest;
import io.bdt.gateway.twin.TwinStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The gateway's ingest path without MQTT: decode, ledger check, twin merge and journal append of
 * one JSON telemetry message from one of {@value #DEVICES} provisioned devices, called directly.
 * Its inverse is what the ingest code costs per message; the gateway as a whole, behind its MQTT
 * client, is measured against the broker by {@code ./bdt bench-ingest} (docs/benchmarks.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class IngestPathBenchmark {

  static final int DEVICES = 100;

  private Path dir;
  private TwinStore twins;
  private TelemetryIngest ingest;
  private byte[][] payloads;
  private long sequence;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    dir = Files.createTempDirectory("bdt-ingest-path-bench");
    String gatewayId = "bench";
    GatewayConfig config =
        new SmallRyeConfigBuilder()
            .withMapping(GatewayConfig.class)
            .withDefaultValues(
                Map.of("bdt.gateway.id", gatewayId, "bdt.gateway.data-dir", dir.toString()))
            .build()
            .getConfigMapping(GatewayConfig.class);
    Clock clock = Clock.systemUTC();
    twins = TwinStore.open(dir.resolve("twins"), clock, 10);
    FileDeviceLedger ledger = new FileDeviceLedger(dir.resolve("devices.json"));
    Provisioner provisioner =
        new Provisioner(
            List.of(new DeviceProfile("p", "k", Provisioner.sha256Hex("s"))),
            ledger,
            gatewayId,
            new SecureRandom(),
            clock);
    ObjectMapper json = new ObjectMapper();
    payloads = new byte[DEVICES][];
    for (int d = 0; d < DEVICES; d++) {
      provisioner.provision(
          json.createObjectNode()
              .put("provisioningKey", "k")
              .put("provisioningSecret", "s")
              .put("deviceId", "d" + d));
      payloads[d] =
          ("{\"temperature\":" + (40 + d % 7) + ".5,\"rpm\":" + (1400 + d) + ",\"status\":\"ok\"}")
              .getBytes(StandardCharsets.UTF_8);
    }
    ingest =
        new TelemetryIngest(
            twins, ledger, new SensorWindows(), clock, config, new SimpleMeterRegistry());
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    twins.close();
  }

  /** One message through the ingest path (ops/s = messages per second on one thread). */
  @Benchmark
  public Object acceptJson() {
    int d = (int) (sequence++ % DEVICES);
    return ingest.acceptJson("d" + d, payloads[d]);
  }
}
