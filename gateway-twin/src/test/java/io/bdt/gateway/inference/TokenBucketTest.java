package io.bdt.gateway.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The offload shaping's bucket, on a clock the test moves (its sleeper advances it). */
@Timeout(10)
class TokenBucketTest {
  final AtomicLong now = new AtomicLong(1_000_000_000L);

  TokenBucket bucket(double rate, double depth) {
    return new TokenBucket(rate, depth, now::get, now::addAndGet);
  }

  @Test
  void aFrameLargerThanTheDepthWaitsForTheBitsBeyondItAtTheRate() throws Exception {
    TokenBucket b = bucket(1e6, 12_000);

    // 100 kbit at 1 Mbit/s with 12 kbit in the bucket: 88 ms
    assertThat(b.take(100_000)).isEqualTo(88_000_000L);
  }

  @Test
  void backToBackFramesLeaveAtTheRateOnAverage() throws Exception {
    TokenBucket b = bucket(2e6, 0);
    long start = now.get();
    for (int i = 0; i < 10; i++) {
      b.take(40_000);
    }
    // 400 kbit at 2 Mbit/s
    assertThat(now.get() - start).isEqualTo(200_000_000L);
  }

  @Test
  void aSmallFrameAfterAnIdlePeriodLeavesAtOnce() throws Exception {
    TokenBucket b = bucket(1e6, 12_000);
    b.take(50_000);
    now.addAndGet(1_000_000_000L);

    assertThat(b.take(10_000)).isZero();
  }

  @Test
  void aNewRateAppliesToTheNextFrame() throws Exception {
    TokenBucket b = bucket(1e6, 0);
    b.setRate(4e6);

    assertThat(b.take(40_000)).isEqualTo(10_000_000L);
    assertThat(b.rate()).isEqualTo(4e6);
  }

  @Test
  void refusesARateThatIsNotPositive() {
    assertThatThrownBy(() -> bucket(0, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be finite and > 0 bit/s");
    assertThatThrownBy(() -> bucket(1e6, -1))
        .hasMessageContaining("bdt.gateway.inference.channel.bucket-bits");
  }
}
