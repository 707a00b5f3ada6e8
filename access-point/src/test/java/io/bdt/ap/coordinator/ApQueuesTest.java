package io.bdt.ap.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import io.bdt.ap.status.ReputationTrack;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The virtual queues advance over slots with gateway demand and hold over idle ones. */
@Timeout(10)
class ApQueuesTest {

  private static final double R_MIN = 0.3;

  @Test
  void aSlotHasDemandForTheWindowAfterAGatewaySignal() {
    ApQueues queues = new ApQueues(List.of("0xA", "0xB"), R_MIN, 1.0);
    assertThat(queues.hasDemand(5_000)).as("nothing heard yet").isFalse();
    queues.demandSeen(10_000);
    assertThat(queues.hasDemand(10_000)).isTrue();
    assertThat(queues.hasDemand(10_000 + ApQueues.DEMAND_SLOTS * 1000)).isTrue();
    assertThat(queues.hasDemand(10_001 + ApQueues.DEMAND_SLOTS * 1000)).isFalse();
    queues.demandSeen(9_000); // an older signal arriving late does not move the window back
    assertThat(queues.hasDemand(13_000)).isTrue();
  }

  @Test
  void anIdlePlatformOwesNothingAndDemandStartsTheQueueFromWhereItWas() {
    ApQueues queues = new ApQueues(List.of("0xA"), R_MIN, 1.0);
    ReputationTrack track = queues.track(0);
    long slot = 0;
    // an hour of slots with nobody to serve: R_m = 0, but no demand, so Q_m owes nothing
    for (; slot < 3600; slot++) {
      long now = slot * 1000;
      track.advance(slot, now, slot, 0.0, queues.hasDemand(now));
    }
    assertThat(track.queue()).isZero();
    assertThat(track.reputation()).isZero();
    // demand: each slot below R_min adds R_min - R_m, as system-model.md's queue does
    for (int i = 0; i < 10; i++, slot++) {
      long now = slot * 1000;
      queues.demandSeen(now);
      track.advance(slot, now, slot, 0.1, queues.hasDemand(now));
    }
    assertThat(track.queue()).isCloseTo(10 * (R_MIN - 0.1), offset(1e-9));
    // demand stops: the queue advances for the window, then holds
    double held = Double.NaN;
    for (int i = 1; i <= 10; i++, slot++) {
      long now = slot * 1000;
      ReputationTrack.Point p = track.advance(slot, now, slot, 0.0, queues.hasDemand(now));
      assertThat(p.demand()).isEqualTo(i <= ApQueues.DEMAND_SLOTS);
      if (i == ApQueues.DEMAND_SLOTS) {
        held = p.queue();
      }
    }
    assertThat(track.queue()).isEqualTo(held);
  }

  @Test
  void aSlotLengthMustBePositive() {
    assertThatThrownBy(() -> new ApQueues(List.of("0xA"), R_MIN, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("slotSeconds");
  }
}
