package io.bdt.gateway.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

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

  @Test
  void aFrameOfTheModelsInputLengthIsOneWindow() {
    SensorWindows w = new SensorWindows();
    int frame = 3 * 224 * 224;
    w.windowLength(frame);
    w.append("cam-1", new float[frame], Instant.ofEpochSecond(1));
    w.append("cam-1", new float[frame / 2], Instant.ofEpochSecond(2));
    List<SensorWindow> taken = w.take(10);
    assertThat(taken).hasSize(1);
    assertThat(taken.getFirst().samples()).hasSize(frame);
  }

  @Test
  void longWindowsAreBoundedByTheValuesTheQueueHoldsButKeepAFewSlotsWorth() {
    SensorWindows w = new SensorWindows();
    int frame = 3 * 224 * 224;
    w.windowLength(frame);
    for (int i = 0; i < SensorWindows.MIN_PENDING + 5; i++) {
      w.append("cam-1", new float[frame], Instant.ofEpochSecond(i));
    }
    assertThat(w.pending()).isEqualTo(SensorWindows.MIN_PENDING);
    assertThat(w.dropped()).isEqualTo(5);
  }

  private static float[] samples(float first) {
    float[] s = new float[SensorWindows.WINDOW];
    for (int i = 0; i < s.length; i++) {
      s[i] = first + i;
    }
    return s;
  }

  @Test
  void aLoggedWindowWithoutAResultIsQueuedAgainAfterTheProcessDiesWithoutClosing(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve(SensorWindows.LOG_FILE);
    SensorWindows before = SensorWindows.durable(file);
    for (int i = 0; i < 5; i++) {
      before.append("d" + i, samples(i), Instant.ofEpochSecond(100 + i, 7));
    }
    before.sync();
    List<SensorWindow> slot = before.take(3);
    before.done(slot.get(0)); // its result is in the twin
    before.sync();
    // the process dies here: no close; d1 and d2 ran in a slot without a result, d3, d4 waited

    SensorWindows after = SensorWindows.durable(file);
    List<SensorWindow> again = after.take(10);
    assertThat(again).extracting(SensorWindow::deviceId).containsExactly("d1", "d2", "d3", "d4");
    assertThat(again.get(0).samples()).containsExactly(samples(1));
    assertThat(again.get(3).closedAt()).isEqualTo(Instant.ofEpochSecond(104, 7));

    // done in the second life, then a third: nothing left
    again.forEach(after::done);
    after.sync();
    assertThat(SensorWindows.durable(file).pending()).isZero();
  }

  @Test
  void aRecordTornAtTheEndIsLeftOutAndTheRestReplayed(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("windows.log");
    SensorWindows w = SensorWindows.durable(file);
    w.append("a", samples(1), Instant.ofEpochSecond(1));
    w.append("b", samples(2), Instant.ofEpochSecond(2));
    w.sync();
    byte[] whole = Files.readAllBytes(file);
    // a crash in the middle of b's record
    Files.write(file, Arrays.copyOf(whole, whole.length - 100));
    assertThat(SensorWindows.durable(file).take(10))
        .extracting(SensorWindow::deviceId)
        .containsExactly("a");
  }

  @Test
  void theLogIsCompactedSoItHoldsAboutTheOpenWindows(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("windows.log");
    SensorWindows w = SensorWindows.durable(file);
    for (int i = 0; i < WindowLog.COMPACT_AFTER + 10; i++) {
      w.append("a", samples(i), Instant.ofEpochSecond(i));
      w.take(1).forEach(w::done);
    }
    w.append("b", samples(0), Instant.ofEpochSecond(0));
    w.sync();
    long oneWindow = 4L * SensorWindows.WINDOW;
    assertThat(Files.size(file)).isLessThan(20 * oneWindow);
    assertThat(SensorWindows.durable(file).take(10))
        .extracting(SensorWindow::deviceId)
        .containsExactly("b");
  }
}
