package io.bdt.dnn.pacing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class CoreSliceTest {

  @Test
  void aRunTakesItsCpuTimeOverTheFractionHoweverLongTheHostMadeItWait() {
    CoreSlice quarter = new CoreSlice(0.25);
    // 10 ms of work, once on a quiet host and once in 25 ms while other services held the cores
    assertThat(quarter.runSeconds(0.010, 0.010)).isCloseTo(0.040, within(1e-12));
    assertThat(quarter.runSeconds(0.025, 0.010))
        .as("the wait for a core is not divided by the fraction (it would be 0.100 s)")
        .isCloseTo(0.040, within(1e-12));
  }

  @Test
  void aRunLongerThanItsSliceAllowsIsNotStretched() {
    assertThat(new CoreSlice(0.25).runSeconds(0.050, 0.010)).isEqualTo(0.050);
  }

  @Test
  void onAWholeCoreARunTakesItsWallTime() {
    assertThat(new CoreSlice(1).runSeconds(0.007, 0.003)).isEqualTo(0.007);
  }

  @Test
  void rejectsAFractionOutsideZeroToOneNamingTheRange() {
    for (double bad : new double[] {0, -0.5, 1.5, Double.NaN}) {
      assertThatThrownBy(() -> new CoreSlice(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("fraction of a core must be in (0, 1]")
          .hasMessageContaining(Double.toString(bad));
    }
  }

  @Test
  void theThreadCpuClockSwitchesOnTheJvmsThreadCpuTimeAndNeverRunsBackwards() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    assumeThat(threads.isCurrentThreadCpuTimeSupported()).isTrue();
    threads.setThreadCpuTimeEnabled(false);

    LongSupplier cpu = CoreSlice.threadCpuNanos();

    assertThat(threads.isThreadCpuTimeEnabled()).isTrue();
    long first = cpu.getAsLong();
    assertThat(first).isNotNegative();
    assertThat(cpu.getAsLong()).isGreaterThanOrEqualTo(first);
  }
}
