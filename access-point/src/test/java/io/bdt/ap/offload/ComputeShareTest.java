package io.bdt.ap.offload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ComputeShareTest {

  @Test
  void fullBudgetGetsEveryCoreAlways() {
    assertThat(ComputeShare.of(2e10, 2e10, 4)).isEqualTo(new ComputeShare(4, 1.0));
  }

  @Test
  void halfBudgetGetsHalfTheCores() {
    assertThat(ComputeShare.of(1e10, 2e10, 4)).isEqualTo(new ComputeShare(2, 1.0));
  }

  @Test
  void smallShareGetsOneThreadForPartOfTheTime() {
    ComputeShare s = ComputeShare.of(2e9, 2e10, 2); // 0.2 of a core
    assertThat(s.threads()).isEqualTo(1);
    assertThat(s.dutyCycle()).isCloseTo(0.2, within(1e-12));
    assertThat(s.pauseAfter(0.01)).isCloseTo(0.04, within(1e-12));
  }

  @Test
  void aSmallSharesServedTimeScalesWithOneOverTheShare() {
    // one thread runs the tail in 10 ms whatever the share; a core time-sliced at the share
    // finishes it after busy / dutyCycle, so a tenth of a core takes twice a fifth's time
    double busy = 0.01;
    double tenth = ComputeShare.of(1e9, 2e10, 2).servedSeconds(busy);
    double fifth = ComputeShare.of(2e9, 2e10, 2).servedSeconds(busy);
    assertThat(tenth).isCloseTo(0.1, within(1e-12));
    assertThat(fifth).isCloseTo(0.05, within(1e-12));
    assertThat(tenth * 1e9).isCloseTo(fifth * 2e9, within(1e-3));
  }

  @Test
  void onOneThreadTheServedTimeIsTheRunsCpuTimeOverTheDutyCycleNotItsWaitForACore() {
    ComputeShare tenth = ComputeShare.of(1e9, 2e10, 2);
    // 10 ms of work that took 25 ms of wall time on a busy host: 100 ms at a tenth of a core, not
    // the 250 ms the wall time over the duty cycle would make it
    assertThat(tenth.servedSeconds(0.025, 0.010)).isCloseTo(0.1, within(1e-12));
    // a host so busy that the run took longer than its slice would have: its wall time
    assertThat(tenth.servedSeconds(0.2, 0.010)).isEqualTo(0.2);
  }

  @Test
  void onSeveralThreadsTheCallingThreadsCpuTimeIsNotTheRunsWork() {
    ComputeShare share = ComputeShare.of(3e10, 4e10, 4); // 3 threads at duty 1
    assertThat(share.threads()).isEqualTo(3);
    assertThat(share.servedSeconds(0.02, 0.001)).isEqualTo(share.servedSeconds(0.02));
  }

  @Test
  void zeroShareStillServesAtTheMinimumDutyCycle() {
    assertThat(ComputeShare.of(0, 2e10, 2).dutyCycle()).isEqualTo(ComputeShare.MIN_DUTY_CYCLE);
  }

  @Test
  void shareAboveBudgetIsCappedAtTheBudget() {
    assertThat(ComputeShare.of(5e10, 2e10, 2)).isEqualTo(new ComputeShare(2, 1.0));
  }

  @Test
  void rejectsNegativeShareNamingIt() {
    assertThatThrownBy(() -> ComputeShare.of(-1, 2e10, 2)).hasMessageContaining("share");
  }
}
