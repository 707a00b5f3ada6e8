package io.bdt.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The default mixed fleet on a small platform (one AP, the three gateways of {@link
 * FleetLayout#mixed}: vibration sensors, cameras at the host's speed, cameras at a quarter of it;
 * one device each, no Kafka, no explorer): the gateways' tasks use at least three different cuts,
 * counted as (model, cut) pairs from their {@code bdt_inference_cut_total}.
 */
class MixedFleetIT {

  @Test
  @Timeout(600)
  void theMixedFleetUsesAtLeastThreeCuts() throws Exception {
    Path root = Path.of("").toAbsolutePath().getParent();
    Assumptions.assumeTrue(
        Files.exists(root.resolve("gateway-twin/target/quarkus-app/quarkus-run.jar")),
        "gateway-twin/target/quarkus-app is not built");
    Path data = Files.createTempDirectory("bdt-mixed-fleet-");
    long started = System.nanoTime();
    PlatformSettings settings =
        new PlatformSettings(
            root,
            data,
            1,
            3,
            3,
            Optional.empty(),
            Optional.empty(),
            0,
            1000,
            5e6,
            Map.of(),
            Platform.NO_PLAIN_MQTT,
            Map.of(),
            false);
    FleetLayout layout = FleetLayout.mixed(3);
    try (Platform platform =
        new Platform(settings, new PrintStream(OutputStream.nullOutputStream()))
            .withFleet(layout)) {
      platform.start();
      long up = System.nanoTime();
      Set<String> inUse = new TreeSet<>();
      PlatformProbe.await(
          "three (model, cut) pairs in the gateways' tasks",
          Duration.ofSeconds(120),
          () -> {
            inUse.clear();
            for (int n = 0; n < 3; n++) {
              String model = layout.gateways().get(n).devices().model();
              try {
                GatewayMetrics.scrape(
                        platform.http(),
                        platform.gatewayProcesses().get(n).baseUrl(),
                        platform.adminToken())
                    .cuts()
                    .keySet()
                    .forEach(k -> inUse.add(model + "@" + k));
              } catch (java.io.IOException e) {
                return false;
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
              }
            }
            return inUse.size() >= 3;
          });
      System.out.printf(
          "cuts in use %s, %.0f s after the platform was up (%.0f s after the start)%n",
          inUse, (System.nanoTime() - up) / 1e9, (up - started) / 1e9);
      assertThat(inUse).hasSizeGreaterThanOrEqualTo(3);
      assertThat(inUse).anyMatch(c -> c.startsWith("vibration@"));
      assertThat(inUse).anyMatch(c -> c.startsWith("mobilenetv2@"));
    }
  }
}
