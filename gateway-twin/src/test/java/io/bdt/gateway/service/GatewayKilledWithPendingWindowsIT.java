package io.bdt.gateway.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway killed while inference windows wait for a slot: the gateway service (a child JVM) runs
 * with a one-day slot, so the windows four devices send (each acknowledged at QoS 1) all wait; it
 * is killed with SIGKILL once every window is queued and started again on its data directory with
 * 0.1 s slots. Every window must get exactly one result in its twin's {@code health} history: the
 * windows were kept in the inference window log, not only in memory.
 */
class GatewayKilledWithPendingWindowsIT {

  private static final int DEVICES = 4;
  private static final int WINDOWS = 3;

  @TempDir Path dir;

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void everyWindowWaitingForASlotWhenTheGatewayIsKilledGetsItsResultAfterTheRestart()
      throws Exception {
    Path dataDir = dir.resolve("gateway-data");
    Path model = dataDir.resolve("models/vibration-seed1/model.onnx"); // the gateway writes it
    try (TestAccessPoint a = new TestAccessPoint(model);
        TestAccessPoint b = new TestAccessPoint(model)) {
      Path longSlots = FaultRig.genesis(dir.resolve("genesis-day.json"), 86_400);
      Map<String, String> inference = FaultRig.inference(longSlots, a, b);
      try (FaultRig rig = FaultRig.start(dir, dataDir, inference)) {
        Map<String, String> secrets = rig.provision(DEVICES);
        // whole windows, one message each; 20 ms between rounds gives each window its own ts
        rig.publishWindows(secrets, 7, WINDOWS, 1, Duration.ofMillis(20));
        int tasks = DEVICES * WINDOWS;
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (rig.metric("bdt_inference_windows_pending") < tasks && System.nanoTime() < end) {
          Thread.sleep(100);
        }
        assertThat(rig.metric("bdt_inference_windows_pending"))
            .as("every window waits for the one-day slot")
            .isEqualTo(tasks);
        assertThat(rig.metric("bdt_inference_latency_measured_seconds_count")).isZero();

        rig.gateway.kill();
        rig.gateway.set(
            "bdt.gateway.inference.genesis",
            FaultRig.genesis(dir.resolve("genesis-fast.json"), 0.1).toString());
        rig.gateway.start();
        rig.gateway.awaitReady(Duration.ofSeconds(120));
        end = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (rig.metric("bdt_inference_latency_measured_seconds_count") < tasks
            && System.nanoTime() < end) {
          Thread.sleep(200);
        }
        double replayedRan = rig.metric("bdt_inference_latency_measured_seconds_count");
        rig.gateway.stop();

        Map<String, Integer> resultsPerDevice = new HashMap<>();
        Set<String> windowsWithResult = new HashSet<>();
        rig.healthReports(secrets.keySet())
            .forEach(
                (device, reports) -> {
                  resultsPerDevice.put(device, reports.size());
                  for (JsonNode health : reports) {
                    windowsWithResult.add(device + "@" + health.path("windowClosedAt").asText());
                  }
                });
        System.out.printf(
            "GatewayKilledWithPendingWindowsIT: %d windows waiting at the kill; after the restart"
                + " %.0f tasks ran, results per device %s%n",
            tasks, replayedRan, resultsPerDevice);
        assertThat(resultsPerDevice.values()).as("one result per window").containsOnly(WINDOWS);
        assertThat(windowsWithResult).hasSize(tasks);
      }
    }
  }
}
