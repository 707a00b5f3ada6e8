package io.bdt.gateway.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.gateway.storage.SmallDisk;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk under the gateway: its data directory is a real 32 MiB tmpfs, filled with a file
 * while four devices publish numbered QoS 1 telemetry through Mosquitto. Readiness goes down naming
 * ENOSPC, a REST write is refused with 503 and the reason, the failure is counted, the gateway
 * stops acknowledging telemetry (it disconnects; its session queues at the broker); once the file
 * is deleted readiness comes back by itself, and every number the broker acked reaches the twins.
 * Figures in docs/reliability.md.
 */
class DiskFullIT {

  private static final int DEVICES = 4;
  private static final String PROBE = "bdt:rest-probe";

  @TempDir Path dir;

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void aFullDiskTakesTheGatewayDownRefusesWritesAndLosesNoAckedTelemetry() throws Exception {
    try (SmallDisk disk = SmallDisk.mount(dir.resolve("gateway-data"), 32);
        FaultRig rig = FaultRig.start(dir, disk.dir())) {
      Map<String, String> secrets = rig.provision(DEVICES);
      rig.createProbe(PROBE);
      SequencedTelemetry load =
          new SequencedTelemetry(rig.broker.url(), FaultRig.GATEWAY, secrets, 5);
      String report;
      try {
        load.start();
        GatewayKillIT.awaitAcked(load, 1500, Duration.ofSeconds(120));

        long ackedAtFill = load.ackedTotal();
        long filled = disk.fill();
        long fullAt = System.nanoTime();
        HttpResponse<String> down = awaitHealth(rig, 503, Duration.ofSeconds(30));
        long downMillis = (System.nanoTime() - fullAt) / 1_000_000;
        assertThat(down.body()).contains("\"storage\"").contains("No space left on device");

        HttpResponse<String> refused = patchProbe(rig, 1);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
        assertThat(refused.body()).contains("No space left on device");
        assertThat(refused.headers().firstValue("Retry-After")).contains("5");
        assertThat(rig.gateway.metric("bdt_storage_failures_total", rig.token)).isPositive();
        assertThat(rig.gateway.metric("bdt_storage_writable", rig.token)).isZero();
        assertThat(rig.gateway.metric("bdt_mqtt_storage_pauses_total", rig.token)).isEqualTo(1);

        Thread.sleep(3_000); // devices go on; the broker queues for the paused gateway
        long ackedWhileFull = load.ackedTotal() - ackedAtFill;
        disk.free();
        long freedAt = System.nanoTime();
        awaitHealth(rig, 200, Duration.ofSeconds(60));
        long upMillis = (System.nanoTime() - freedAt) / 1_000_000;
        Duration caughtUp = rig.awaitCaughtUp(load, Duration.ofSeconds(120));
        HttpResponse<String> accepted = patchProbe(rig, 2);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        Thread.sleep(2_000); // load after the recovery
        report =
            ("filler %d bytes; readiness down %d ms after the disk was full; %d messages acked by"
                    + " the broker while it was full (3 s); readiness up %d ms after the filler"
                    + " was deleted; twins caught up %d ms after that")
                .formatted(filled, downMillis, ackedWhileFull, upMillis, caughtUp.toMillis());
      } finally {
        load.close();
      }
      rig.awaitCaughtUp(load, Duration.ofSeconds(120));
      double failures = rig.gateway.metric("bdt_storage_failures_total", rig.token);
      rig.gateway.stop();
      FaultRig.Tally tally = rig.tally(load);
      System.out.printf(
          "DiskFullIT: %s; %s; bdt_storage_failures_total %s%n", tally, report, failures);
      assertThat(tally.lost()).as("acked telemetry missing from the twins").isEmpty();
      assertThat(tally.revisionGaps()).as("revisions missing from history").isEmpty();
      assertThat(tally.acked()).isGreaterThanOrEqualTo(2000);
    }
  }

  private static HttpResponse<String> patchProbe(FaultRig rig, long n) throws Exception {
    return rig.gateway.send(
        "PATCH",
        "/twins/" + PROBE,
        "application/merge-patch+json",
        "{\"attributes\":{\"n\":" + n + "}}",
        rig.token);
  }

  private static HttpResponse<String> awaitHealth(FaultRig rig, int status, Duration limit)
      throws Exception {
    long end = System.nanoTime() + limit.toNanos();
    while (true) {
      HttpResponse<String> r = rig.gateway.get("/q/health/ready");
      if (r.statusCode() == status) {
        return r;
      }
      if (System.nanoTime() > end) {
        throw new AssertionError(
            "readiness not "
                + status
                + " within "
                + limit
                + ": "
                + r.statusCode()
                + " "
                + r.body());
      }
      Thread.sleep(20);
    }
  }
}
