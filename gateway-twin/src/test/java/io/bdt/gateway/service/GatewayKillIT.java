package io.bdt.gateway.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bdt.gateway.twin.TwinEvent;
import io.bdt.gateway.twin.TwinStore;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a gateway under QoS 1 load: the gateway service (a child JVM with a persistent MQTT
 * session) is killed with SIGKILL twice while four devices publish numbered telemetry through
 * Mosquitto and a client writes one twin over REST; each time it starts again on the same data
 * directory. Every number the broker acked ends up in the twins' history, and every REST write that
 * was answered is there with its revision. Figures in docs/reliability.md.
 */
class GatewayKillIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int DEVICES = 4;
  private static final String PROBE = "bdt:rest-probe";

  @TempDir Path dir;

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void killNineUnderQos1LoadLosesNoAckedTelemetryAndNoConfirmedRevision() throws Exception {
    try (FaultRig rig = FaultRig.start(dir)) {
      Map<String, String> secrets = rig.provision(DEVICES);
      rig.createProbe(PROBE);
      Map<Long, Long> confirmed = new ConcurrentSkipListMap<>();
      Thread writer =
          Thread.ofPlatform().name("rest-writer").start(() -> writeProbe(rig, confirmed));
      SequencedTelemetry load =
          new SequencedTelemetry(rig.broker.url(), FaultRig.GATEWAY, secrets, 5);
      StringBuilder rounds = new StringBuilder();
      try {
        load.start();
        for (int round = 1; round <= 2; round++) {
          awaitAcked(load, load.ackedTotal() + 1500, Duration.ofSeconds(120));
          long ackedAtKill = load.ackedTotal();
          int confirmedAtKill = confirmed.size();
          long killed = System.nanoTime();
          rig.gateway.kill();
          rig.gateway.start();
          rig.gateway.awaitReady(Duration.ofSeconds(120));
          Duration ready = Duration.ofNanos(System.nanoTime() - killed);
          Duration caughtUp = rig.awaitCaughtUp(load, Duration.ofSeconds(120));
          rounds.append(
              "  kill %d at %d acked messages, %d REST writes confirmed: ready %d ms after the"
                      .formatted(round, ackedAtKill, confirmedAtKill, ready.toMillis())
                  + " kill, twins caught up with the broker %d ms after that%n"
                      .formatted(caughtUp.toMillis()));
        }
        Thread.sleep(2_000); // load after the last restart
      } finally {
        load.close();
        writer.interrupt();
        writer.join(30_000);
      }
      rig.awaitCaughtUp(load, Duration.ofSeconds(120));
      double reconnects = rig.gateway.metric("bdt_mqtt_reconnects_total", rig.token);
      rig.gateway.stop();
      FaultRig.Tally tally = rig.tally(load);
      System.out.printf(
          "GatewayKillIT: %s; %d REST writes confirmed; reconnects %s (a restart is a new"
              + " connection, not a reconnect)%n%s",
          tally, confirmed.size(), reconnects, rounds);
      assertThat(tally.lost()).as("acked telemetry missing from the twins").isEmpty();
      assertThat(tally.revisionGaps()).as("revisions missing from history").isEmpty();
      assertThat(tally.acked()).isGreaterThanOrEqualTo(3000);
      assertThat(confirmed).isNotEmpty();
      Map<Long, Long> stored = probeHistory(rig);
      for (Map.Entry<Long, Long> write : confirmed.entrySet()) {
        assertThat(stored.get(write.getKey()))
            .as("confirmed revision %d of %s", write.getKey(), PROBE)
            .isEqualTo(write.getValue());
      }
    }
  }

  /** PATCHes the probe twin's attribute n = 1, 2, ... until interrupted; confirmed revisions. */
  private static void writeProbe(FaultRig rig, Map<Long, Long> confirmed) {
    for (long n = 1; !Thread.currentThread().isInterrupted(); n++) {
      try {
        HttpResponse<String> r =
            rig.gateway.send(
                "PATCH",
                "/twins/" + PROBE,
                "application/merge-patch+json",
                "{\"attributes\":{\"n\":" + n + "}}",
                rig.token);
        if (r.statusCode() == 200) {
          confirmed.put(JSON.readTree(r.body()).path("revision").asLong(), n);
        }
        Thread.sleep(20);
      } catch (InterruptedException e) {
        return;
      } catch (java.io.IOException e) {
        // the gateway is down: the write is not confirmed, the next one tries again
        try {
          Thread.sleep(50);
        } catch (InterruptedException stop) {
          return;
        }
      }
    }
  }

  /** The probe twin's attribute n by revision, from the stopped gateway's history. */
  private static Map<Long, Long> probeHistory(FaultRig rig) throws java.io.IOException {
    Map<Long, Long> out = new java.util.HashMap<>();
    try (TwinStore twins = rig.openTwins()) {
      for (TwinEvent event :
          twins.history(PROBE, Instant.EPOCH, Instant.now().plusSeconds(60), Integer.MAX_VALUE)) {
        if (event instanceof TwinEvent.Modified m) {
          JsonNode n = m.twin().attributes().path("n");
          out.put(m.revision(), n.asLong());
        }
      }
    }
    return out;
  }

  static void awaitAcked(SequencedTelemetry load, long target, Duration limit)
      throws InterruptedException {
    long end = System.nanoTime() + limit.toNanos();
    while (load.ackedTotal() < target) {
      if (System.nanoTime() > end) {
        throw new AssertionError(
            "the broker acked " + load.ackedTotal() + " of " + target + " messages in " + limit);
      }
      Thread.sleep(50);
    }
  }
}
