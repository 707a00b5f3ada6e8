package io.bdt.gateway.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SensorWindowsTest {

  private static void windowsOf(SensorWindows w, String device, int count) {
    for (int i = 0; i < count; i++) {
      w.append(device, new float[SensorWindows.WINDOW], Instant.ofEpochSecond(i));
    }
  }

  @Test
  void windowsPutBackAreTakenFirstInTheirOrder() {
    SensorWindows w = new SensorWindows();
    windowsOf(w, "a", 3);
    List<SensorWindow> taken = w.take(2);
    windowsOf(w, "b", 1);
    w.putBack(taken);
    List<SensorWindow> next = w.take(10);
    assertThat(next).extracting(SensorWindow::deviceId).containsExactly("a", "a", "a", "b");
    assertThat(next.get(0)).isSameAs(taken.get(0));
    assertThat(next.get(1)).isSameAs(taken.get(1));
    assertThat(w.dropped()).isZero();
  }

  @Test
  void puttingBackIntoAFullQueueDropsItsNewestAndCountsThem() {
    SensorWindows w = new SensorWindows();
    windowsOf(w, "a", 2);
    List<SensorWindow> taken = w.take(2);
    windowsOf(w, "b", SensorWindows.MAX_PENDING);
    w.putBack(taken);
    assertThat(w.pending()).isEqualTo(SensorWindows.MAX_PENDING);
    assertThat(w.dropped()).isEqualTo(2);
    assertThat(w.take(2)).isEqualTo(taken);
  }
}
