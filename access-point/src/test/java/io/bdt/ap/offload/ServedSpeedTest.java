package io.bdt.ap.offload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The AP's own speed per model, from the served time of each task at its share. */
@Timeout(10)
class ServedSpeedTest {

  static final double BUDGET = 2e10;

  /** A warm task of {@code flops} whose run took {@code busy} s on one thread, served at share. */
  static OffloadResult served(long flops, double busy, double shareHz, double load) {
    double apSeconds = ComputeShare.of(shareHz, BUDGET, 2).servedSeconds(busy, busy);
    return new OffloadResult("0x01", "0", List.of(), flops, apSeconds, busy, 0, load, 0);
  }

  @Test
  void theSpeedMeasuredAtTwoSmallSharesAgrees() {
    // one thread takes 10 ms for 7e5 FLOPs at any share below a core: with the pause served
    // before the answer, phi = flops / (served f) is the same at a tenth and at half a core
    ServedSpeed tenth = new ServedSpeed();
    ServedSpeed half = new ServedSpeed();
    for (int i = 0; i < 5; i++) {
      tenth.record("vibration", served(700_000, 0.01, 1e9, 0), 1e9);
      half.record("vibration", served(700_000, 0.01, 5e9, 0), 5e9);
    }
    double phi = tenth.apFlopsPerCycle().get("vibration");
    assertThat(half.apFlopsPerCycle().get("vibration")).isCloseTo(phi, within(phi * 1e-9));
    // 7e5 FLOPs / (0.1 s * 1e9 Hz)
    assertThat(phi).isCloseTo(7e-3, within(1e-12));
  }

  @Test
  void aColdTaskIsLeftOutAndTheMedianIgnoresAnOutlier() {
    ServedSpeed s = new ServedSpeed();
    s.record("mobilenetv2", served(600_000_000, 2.0, 1e10, 1.5), 1e10);
    assertThat(s.apFlopsPerCycle()).isEmpty();
    for (int i = 0; i < 9; i++) {
      s.record("mobilenetv2", served(600_000_000, i == 4 ? 3.0 : 0.3, 1e10, 0), 1e10);
    }
    // 6e8 FLOPs in 0.3 s at 1e10 Hz (one core of two: one thread, duty 1)
    assertThat(s.apFlopsPerCycle()).containsOnlyKeys("mobilenetv2");
    assertThat(s.apFlopsPerCycle().get("mobilenetv2")).isCloseTo(0.2, within(1e-12));
  }
}
