package io.bdt.gateway.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeadPacerTest {

  /** Clocks a test moves by hand; a sleep advances the wall clock by its length. */
  private static final class FakeClocks implements HeadPacer.Clocks {
    long wall;
    long cpu;
    final List<Long> sleeps = new ArrayList<>();

    @Override
    public long wallNanos() {
      return wall;
    }

    @Override
    public long cpuNanos() {
      return cpu;
    }

    @Override
    public void sleepNanos(long nanos) {
      sleeps.add(nanos);
      wall += nanos;
    }

    void run(long wallNanos, long cpuNanos) {
      wall += wallNanos;
      cpu += cpuNanos;
    }
  }

  @Test
  void aQuarterClassTakesFourTimesTheHeadsCpuTimeHoweverLongTheHostMadeItWait() throws Exception {
    FakeClocks clocks = new FakeClocks();
    HeadPacer pacer = new HeadPacer(0.25, clocks);

    HeadPacer.Run quiet = pacer.start();
    clocks.run(10_000_000, 10_000_000);
    double quietSeconds = pacer.finish(quiet);

    // the same head while two other services held the cores: 10 ms of work in 25 ms
    HeadPacer.Run busy = pacer.start();
    clocks.run(25_000_000, 10_000_000);
    double busySeconds = pacer.finish(busy);

    assertThat(quietSeconds).isCloseTo(0.040, within(1e-12));
    assertThat(busySeconds)
        .as("the wait for a core is not multiplied by the class (it was 0.100 s)")
        .isCloseTo(0.040, within(1e-12));
    assertThat(clocks.sleeps).containsExactly(30_000_000L, 15_000_000L);
  }

  @Test
  void aRunLongerThanItsClassAllowsIsNotStretched() throws Exception {
    FakeClocks clocks = new FakeClocks();
    HeadPacer pacer = new HeadPacer(0.25, clocks);
    HeadPacer.Run run = pacer.start();
    clocks.run(50_000_000, 10_000_000);

    assertThat(pacer.finish(run)).isCloseTo(0.050, within(1e-12));
    assertThat(clocks.sleeps).isEmpty();
  }

  @Test
  void theHostsOwnClassIsNotPaced() throws Exception {
    FakeClocks clocks = new FakeClocks();
    HeadPacer pacer = new HeadPacer(1, clocks);
    HeadPacer.Run run = pacer.start();
    clocks.run(7_000_000, 3_000_000);

    assertThat(pacer.finish(run)).isCloseTo(0.007, within(1e-12));
    assertThat(clocks.sleeps).isEmpty();
  }

  @Test
  void rejectsAClassOutsideZeroToOne() {
    assertThatThrownBy(() -> new HeadPacer(0, new FakeClocks()))
        .hasMessageContaining("must be in (0, 1]");
    assertThatThrownBy(() -> new HeadPacer(1.5, new FakeClocks()))
        .hasMessageContaining("must be in (0, 1]");
  }
}
