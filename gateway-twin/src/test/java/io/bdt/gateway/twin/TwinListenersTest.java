package io.bdt.gateway.twin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The twin store's listeners see events in ticket order, whichever writer arrives first. */
@Timeout(20)
class TwinListenersTest {

  private static TwinEvent deleted(long revision) {
    return new TwinEvent.Deleted("bdt:l", revision, Instant.EPOCH);
  }

  @Test
  void aWriterThatArrivesBeforeItsTurnWaitsAndIsWokenWhenTheEarlierEventIsPassedOn()
      throws InterruptedException {
    TwinListeners listeners = new TwinListeners();
    List<Long> seen = new CopyOnWriteArrayList<>();
    listeners.add(e -> seen.add(e.revision()));
    long first = listeners.ticket();
    long second = listeners.ticket();
    Thread early = Thread.ofPlatform().start(() -> listeners.publish(second, deleted(2)));
    while (early.getState() != Thread.State.WAITING) { // it waits for the first ticket's turn
      Thread.sleep(5);
    }
    assertThat(seen).isEmpty();
    listeners.publish(first, deleted(1));
    early.join();
    assertThat(seen).containsExactly(1L, 2L);
    listeners.publish(listeners.ticket(), deleted(3)); // nobody waits: passes straight on
    assertThat(seen).containsExactly(1L, 2L, 3L);
  }
}
