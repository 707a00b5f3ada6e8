package io.bdt.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.bdt.ap.chain.PlatformChain;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Association as a decision, live: the default platform (3 APs, 2 gateways, every AP in range of
 * every gateway over its own channel) left alone for 90 s. Its own platform, apart from {@link
 * PlatformIT}, whose tests stop and restart APs and hand them receipts, which would move the
 * reputations this one averages.
 */
class PlatformAssociationIT {

  /** How long the platform runs while the test samples the APs, seconds. */
  static final int RUN_SECONDS = 90;

  static Platform platform;

  @BeforeAll
  static void start() throws Exception {
    Path root = Path.of("").toAbsolutePath().getParent();
    System.setProperty("slf4j.provider", "ch.qos.logback.classic.spi.LogbackServiceProvider");
    Path work = Files.createTempDirectory("bdt-association-it-");
    platform =
        new Platform(
            new PlatformSettings(
                root,
                work,
                3,
                2,
                6,
                Optional.empty(),
                Optional.empty(),
                0,
                1000,
                5e6,
                Map.of(),
                Platform.NO_PLAIN_MQTT,
                Map.of(),
                false), // no explorer: nothing here reads it, and it would share the 2 cores
            new PrintStream(OutputStream.nullOutputStream()));
    platform.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (platform != null) {
      platform.close();
    }
  }

  @Test
  @Timeout(value = RUN_SECONDS + 60, unit = TimeUnit.SECONDS)
  void everyApServesTasksAndItsTimeAverageReputationAfterTheWarmUpIsAtLeastRMin() throws Exception {
    Assumptions.assumeTrue(
        !platform.gatewayProcesses().isEmpty(), "the gateway app is not built: nothing offloads");
    ReputationAverage average = new ReputationAverage(ReputationAverage.WARM_UP_SECONDS);
    Map<String, Long> served = new LinkedHashMap<>();
    double[] latency = new double[3]; // measured, predicted (sums over twins' latest tasks), count
    long start = System.nanoTime();
    for (double elapsed = 0; elapsed < RUN_SECONDS; ) {
      for (Platform.ApSnapshot ap : platform.apStatus()) {
        JsonNode status = ap.status();
        assertThat(status).as(ap.name() + "'s /status").isNotNull();
        average.record(elapsed, ap.name(), status.path("reputation").asDouble());
        served.put(ap.name(), status.path("served").asLong());
      }
      if (elapsed >= average.warmUpSeconds()) {
        for (ServiceProcess gw : platform.gatewayProcesses()) {
          JsonNode twins = platform.getJson(gw.baseUrl() + "/twins");
          if (twins == null) {
            continue;
          }
          for (JsonNode twin : twins) {
            JsonNode health = twin.at("/features/health/properties");
            if (!health.isMissingNode()) {
              latency[0] += health.path("measuredLatency").asDouble();
              latency[1] += health.path("predictedLatency").asDouble();
              latency[2]++;
            }
          }
        }
      }
      Thread.sleep(1000);
      elapsed = (System.nanoTime() - start) / 1e9;
    }
    System.out.printf(
        Locale.ROOT,
        "association: after %.0f s warm-up, time-average reputation %s; tasks served %s;"
            + " latency of the twins' latest tasks %.2f ms (predicted %.2f ms), %d samples%n",
        average.warmUpSeconds(),
        average.format(),
        served,
        latency[0] / Math.max(1, latency[2]) * 1000,
        latency[1] / Math.max(1, latency[2]) * 1000,
        (long) latency[2]);

    // each gateway has a home AP (0 and 1); AP 2 is nobody's, and serves only when chosen
    assertThat(served).hasSize(3).allSatisfy((ap, tasks) -> assertThat(tasks).as(ap).isPositive());
    assertThat(average.averages())
        .hasSize(3)
        .allSatisfy(
            (ap, r) ->
                assertThat(r)
                    .as("%s's time-average reputation after %.0f s", ap, average.warmUpSeconds())
                    .isGreaterThanOrEqualTo(PlatformChain.PARAMETERS.rMin()));
  }
}
