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
 * An AP killed while the gateway offloads to it: the gateway service (a child JVM) offloads the
 * sensor windows of four devices to AP a, with AP b as the second AP; a's server is stopped in the
 * middle of its sixth offload (the request is cut off unanswered, later connections are refused).
 * The task it was serving is retried on b, the later slots are served by b, and every window the
 * devices sent has exactly one result in its twin's {@code health} history. Figures in
 * docs/reliability.md.
 */
class ApKilledMidOffloadIT {

  private static final int DEVICES = 4;
  private static final int WINDOWS = 12;
  private static final int KILL_AT_OFFLOAD = 6;

  @TempDir Path dir;

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void anApKilledMidOffloadLosesNoTask() throws Exception {
    Path dataDir = dir.resolve("gateway-data");
    Path model = dataDir.resolve("models/vibration-seed1/model.onnx"); // the gateway writes it
    try (TestAccessPoint a = new TestAccessPoint(model);
        TestAccessPoint b = new TestAccessPoint(model)) {
      a.killAtOffload = KILL_AT_OFFLOAD;
      // the network's parameter set, with 0.1 s slots; neither AP coordinates, so every slot is
      // the gateway's local decision and a failed offload goes to the other AP
      Path genesis = FaultRig.genesis(dir.resolve("genesis.json"), 0.1);
      Map<String, String> inference = FaultRig.inference(genesis, a, b);
      try (FaultRig rig = FaultRig.start(dir, dataDir, inference)) {
        Map<String, String> secrets = rig.provision(DEVICES);
        // each window in four messages; a round every 250 ms spreads the windows over slots
        rig.publishWindows(secrets, 11, WINDOWS, 4, Duration.ofMillis(250));
        int tasks = DEVICES * WINDOWS;
        awaitResults(rig, tasks, Duration.ofSeconds(180));
        double fallbacks = rig.metric("bdt_inference_offload_fallback_total");
        double retried = rig.metric("bdt_inference_offload_retried_total");
        rig.gateway.stop();

        Map<String, String> cutByTask = new HashMap<>();
        Map<String, Integer> resultsPerDevice = new HashMap<>();
        rig.healthReports(secrets.keySet())
            .forEach(
                (device, reports) -> {
                  resultsPerDevice.put(device, reports.size());
                  for (JsonNode health : reports) {
                    cutByTask.put(health.path("taskId").asText(), health.path("cut").asText());
                  }
                });
        Set<String> servedByAps = new HashSet<>(a.served);
        servedByAps.addAll(b.served);
        System.out.printf(
            "ApKilledMidOffloadIT: %d windows sent, %d results (per device %s); AP a served %d"
                + " then was killed during task %s; AP b served %d (%s retried offloads); %s ran"
                + " locally after every AP failed, %d at the local cut in all%n",
            tasks,
            cutByTask.size(),
            resultsPerDevice,
            a.served.size(),
            a.killedDuringTask,
            b.served.size(),
            retried,
            fallbacks,
            cutByTask.values().stream().filter(c -> !"0".equals(c)).count());
        assertThat(a.killedDuringTask).as("AP a was killed mid-offload").isNotNull();
        assertThat(a.served).hasSize(KILL_AT_OFFLOAD - 1);
        assertThat(b.served).as("the task a was serving went to b").contains(a.killedDuringTask);
        assertThat(retried).isGreaterThanOrEqualTo(1);
        assertThat(resultsPerDevice.values()).as("one result per window").containsOnly(WINDOWS);
        assertThat(cutByTask).hasSize(tasks);
        assertThat(cutByTask.keySet()).containsAll(servedByAps);
      }
    }
  }

  /**
   * Waits until the gateway has {@code tasks} results (offloaded, retried, or run locally because
   * DPRA chose the local cut or no AP took the task).
   */
  private static void awaitResults(FaultRig rig, int tasks, Duration limit) throws Exception {
    long end = System.nanoTime() + limit.toNanos();
    while (true) {
      double done = rig.metric("bdt_inference_latency_measured_seconds_count");
      if (done >= tasks) {
        return;
      }
      if (System.nanoTime() > end) {
        throw new AssertionError(done + " of " + tasks + " tasks done within " + limit);
      }
      Thread.sleep(200);
    }
  }
}
