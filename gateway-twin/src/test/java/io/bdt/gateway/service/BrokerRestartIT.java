package io.bdt.gateway.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mosquitto restarted under QoS 1 load: four devices publish numbered telemetry through a Mosquitto
 * with persistence to the gateway service (a child JVM, persistent session); the broker is stopped
 * and started again on the same port and persistence directory. Stopped with SIGTERM it saves its
 * database (the gateway's session and the messages queued for it) and nothing acked is lost; killed
 * with SIGKILL it restarts from its last save ({@code autosave_interval}), so what it had accepted
 * since and not yet delivered is lost, and without any save the gateway's session too. Figures in
 * docs/reliability.md.
 */
class BrokerRestartIT {

  private static final int DEVICES = 4;
  private static final Duration OUTAGE = Duration.ofSeconds(2);

  @TempDir Path dir;

  /** How the broker goes down. */
  enum Fault {
    /** SIGTERM: Mosquitto saves its database on the way out. */
    SIGTERM,
    /** SIGKILL after a save of the database that holds the gateway's session. */
    SIGKILL_AFTER_SAVE,
    /** SIGKILL before any save: the restarted broker knows nothing of the gateway's session. */
    SIGKILL_BEFORE_ANY_SAVE
  }

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void brokerStoppedWithSigtermAndRestartedLosesNoAckedTelemetry() throws Exception {
    Outcome outcome = restartUnderLoad(Fault.SIGTERM);
    System.out.printf("BrokerRestartIT (SIGTERM): %s%n", outcome);
    assertThat(outcome.tally().lost()).as("acked telemetry missing from the twins").isEmpty();
    assertThat(outcome.tally().revisionGaps()).isEmpty();
    assertThat(outcome.reconnects()).as("gateway reconnects (bdt_mqtt_reconnects_total)").isOne();
  }

  /**
   * SIGKILL after a save (what {@code autosave_interval} makes periodically): the restarted broker
   * has the gateway's session as of the save, so telemetry published while it restarts queues for
   * the gateway; only what it had accepted since the save and not yet delivered when it died can be
   * lost. Asserted: nothing acked after the crash is lost.
   */
  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void brokerKilledAfterASaveLosesOnlyWhatItHadNotDeliveredWhenKilled() throws Exception {
    Outcome outcome = restartUnderLoad(Fault.SIGKILL_AFTER_SAVE);
    System.out.printf("BrokerRestartIT (SIGKILL after a save): %s%n", outcome);
    assertThat(outcome.reconnects()).as("gateway reconnects (bdt_mqtt_reconnects_total)").isOne();
    assertThat(outcome.tally().revisionGaps()).isEmpty();
    assertThat(outcome.tally().lostCount())
        .as("lost telemetry the broker acked after it came back")
        .isEqualTo(outcome.lostBeforeCrash());
  }

  /**
   * SIGKILL before the broker ever saved: it restarts without the gateway's session, so telemetry
   * published before the gateway has reconnected and subscribed again goes to no one. Asserted:
   * nothing acked a second after the gateway is connected again is lost; the loss is reported.
   */
  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void brokerKilledBeforeAnySaveLosesOnlyTheRestartWindow() throws Exception {
    Outcome outcome = restartUnderLoad(Fault.SIGKILL_BEFORE_ANY_SAVE);
    System.out.printf("BrokerRestartIT (SIGKILL before any save): %s%n", outcome);
    assertThat(outcome.reconnects()).as("gateway reconnects (bdt_mqtt_reconnects_total)").isOne();
    assertThat(outcome.tally().revisionGaps()).isEmpty();
    assertThat(outcome.lostAfterResubscribe())
        .as("acked after the gateway had subscribed again, yet missing from the twins")
        .isZero();
  }

  /**
   * @param tally what reached the twins
   * @param reconnects the gateway's {@code bdt_mqtt_reconnects_total} at the end
   * @param reconnectedAfter from the broker's restart to the gateway's connected gauge at 1
   * @param caughtUpAfter from then to every acked number in the twins
   * @param lostBeforeCrash lost numbers acked by the broker that went down: acked before its
   *     restart began (the old process had exited, so no later ack can be its own). Not the moment
   *     of the kill: an ack the old broker sent just before it can reach the device's callback
   *     after it, which counted two such numbers as acked after the restart in a CI run
   * @param lostAfterResubscribe lost numbers acked more than a second after the gateway was seen
   *     connected again
   */
  record Outcome(
      FaultRig.Tally tally,
      double reconnects,
      Duration reconnectedAfter,
      Duration caughtUpAfter,
      long lostBeforeCrash,
      long lostAfterResubscribe) {
    @Override
    public String toString() {
      return "%s; gateway reconnects %s, connected again %d ms after the broker restarted, twins caught up %d ms later; lost acked before the crash %d, in the restart window %d, after resubscribing %d"
          .formatted(
              tally,
              reconnects,
              reconnectedAfter.toMillis(),
              caughtUpAfter.toMillis(),
              lostBeforeCrash,
              tally.lostCount() - lostBeforeCrash - lostAfterResubscribe,
              lostAfterResubscribe);
    }
  }

  private Outcome restartUnderLoad(Fault fault) throws Exception {
    try (FaultRig rig = FaultRig.start(dir)) {
      Map<String, String> secrets = rig.provision(DEVICES);
      SequencedTelemetry load =
          new SequencedTelemetry(rig.broker.url(), FaultRig.GATEWAY, secrets, 5);
      long restarting;
      long restarted;
      long connected;
      Duration caughtUp;
      try {
        load.start();
        GatewayKillIT.awaitAcked(load, 1500, Duration.ofSeconds(120));
        if (fault == Fault.SIGKILL_AFTER_SAVE) {
          rig.broker.save();
          GatewayKillIT.awaitAcked(load, load.ackedTotal() + 500, Duration.ofSeconds(120));
        }
        if (fault == Fault.SIGTERM) {
          rig.broker.terminate();
        } else {
          rig.broker.kill();
        }
        Thread.sleep(OUTAGE.toMillis());
        restarting = System.nanoTime();
        rig.broker.restart();
        restarted = System.nanoTime();
        connected = awaitConnected(rig, Duration.ofSeconds(60));
        GatewayKillIT.awaitAcked(load, load.ackedTotal() + 1000, Duration.ofSeconds(120));
      } finally {
        load.close();
      }
      caughtUp = rig.awaitCaughtUp(load, Duration.ofSeconds(120));
      double reconnects = rig.gateway.metric("bdt_mqtt_reconnects_total", rig.token);
      rig.gateway.stop();
      FaultRig.Tally tally = rig.tally(load);
      long resubscribed = connected + Duration.ofSeconds(1).toNanos();
      long before = 0;
      long after = 0;
      for (Map.Entry<String, List<Long>> lost : tally.lost().entrySet()) {
        NavigableMap<Long, Long> acked = load.acked(lost.getKey());
        for (long seq : lost.getValue()) {
          long at = acked.get(seq);
          before += at < restarting ? 1 : 0;
          System.out.printf(
              "BrokerRestartIT: lost %s #%d, acked %+d ms from the restart%n",
              lost.getKey(), seq, TimeUnit.NANOSECONDS.toMillis(at - restarting));
          after += at > resubscribed ? 1 : 0;
        }
      }
      return new Outcome(
          tally, reconnects, Duration.ofNanos(connected - restarted), caughtUp, before, after);
    }
  }

  /** Waits until the gateway's {@code bdt_mqtt_connected} is 1; returns when it was seen. */
  private static long awaitConnected(FaultRig rig, Duration limit) throws Exception {
    long end = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < end) {
      if (rig.gateway.metric("bdt_mqtt_connected", rig.token) == 1.0) {
        return System.nanoTime();
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the gateway did not reconnect within " + limit);
  }
}
