package io.bdt.consensus.pow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bdt.consensus.block.Keccak;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.tuweni.bytes.Bytes;
import org.apache.tuweni.bytes.Bytes32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MinerTest {
  /** A difficulty no search meets in a test's lifetime: only stop() ends it. */
  static final BigInteger IMPOSSIBLE = BigInteger.ONE.shiftLeft(200);

  final Bytes32 template = Keccak.of(Bytes.of(1, 2, 3));
  volatile boolean stopped;
  CompletableFuture<Optional<Miner.Solution>> background;

  @AfterEach
  void stopBackgroundSearch() throws Exception {
    stopped = true;
    if (background != null) {
      background.get(30, TimeUnit.SECONDS);
    }
  }

  /** Starts an endless search on {@code miner} in the background. */
  void searchForever(Miner miner) throws Exception {
    background =
        CompletableFuture.supplyAsync(() -> miner.solve(template, IMPOSSIBLE, 0, () -> stopped));
    await("the search to start", () -> miner.activeThreads() > 0);
  }

  static void await(String what, BooleanSupplier done) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(10);
    }
  }

  /** Hashes per second of wall time over {@code millis}, counted by the miner. */
  static double measuredRate(Miner miner, long millis) throws InterruptedException {
    long h0 = miner.totalHashes();
    long t0 = System.nanoTime();
    Thread.sleep(millis);
    long h1 = miner.totalHashes();
    long t1 = System.nanoTime();
    return (h1 - h0) / ((t1 - t0) / 1e9);
  }

  @Test
  void solutionMeetsTheTargetAndIsTheDigestOfItsNonce() {
    Miner miner = new Miner(MiningShare.full(2));
    BigInteger difficulty = BigInteger.valueOf(5000);

    Miner.Solution s = miner.solve(template, difficulty, 0, () -> false).orElseThrow();

    assertThat(ProofOfWork.digest(template, s.nonce())).isEqualTo(s.digest());
    assertThat(ProofOfWork.meets(s.digest(), ProofOfWork.target(difficulty))).isTrue();
    assertThat(miner.totalHashes()).isPositive();
    assertThat(miner.hashRate()).isPositive();
    assertThat(miner.activeThreads()).isZero();
  }

  @Test
  void stopsWhenAskedWithoutSolution() {
    Miner miner = new Miner(new MiningShare(1, 0.5, 20));

    var result = miner.solve(template, IMPOSSIBLE, 0, () -> miner.totalHashes() > 10_000);

    assertThat(result).isEmpty();
    assertThat(miner.totalHashes()).isGreaterThan(10_000);
  }

  /**
   * Duty cycle 1.0 -> 0.25 on one thread: the hashes counted per wall second, and the hash-rate
   * metric once its window holds only the new setting, fall to about a quarter. The bound (below
   * 0.6 of the full-duty rate) is wide on purpose: work slices are measured in wall time, so a
   * loaded machine slows both phases alike and the ratio stays near 0.25.
   */
  @Test
  void quarterDutyCycleSetWhileMiningCutsTheHashRate() throws Exception {
    Miner miner = new Miner(new MiningShare(1, 1.0, 20));
    searchForever(miner);
    Thread.sleep(Miner.RATE_WINDOW_NANOS / 1_000_000 - 1000);
    double full = measuredRate(miner, 1000);
    double fullMetric = miner.hashRate();

    miner.setShare(new MiningShare(1, 0.25, 20));
    Thread.sleep(Miner.RATE_WINDOW_NANOS / 1_000_000 - 1000 + 100);
    double quarter = measuredRate(miner, 1000);
    double quarterMetric = miner.hashRate();

    assertThat(quarter / full).as("measured rate ratio").isBetween(0.05, 0.6);
    assertThat(quarterMetric / fullMetric).as("hashRate() ratio").isBetween(0.05, 0.6);
    assertThat(miner.share().dutyCycle()).isEqualTo(0.25);
  }

  @Test
  void activeThreadsFollowTheSetterWithoutRestartingTheSearch() throws Exception {
    Miner miner = new Miner(MiningShare.full(1));
    searchForever(miner);
    await("1 thread", () -> miner.activeThreads() == 1);

    miner.setShare(new MiningShare(4, 1.0, 50));
    await("4 threads", () -> miner.activeThreads() == 4);
    miner.setShare(new MiningShare(2, 0.5, 50));
    await("2 threads", () -> miner.activeThreads() == 2);
    miner.setShare(MiningShare.full(3));
    await("3 threads", () -> miner.activeThreads() == 3);

    assertThat(background).isNotDone();
    assertThat(miner.shareChanges()).isEqualTo(3);
    stopped = true;
    assertThat(background.get(30, TimeUnit.SECONDS)).isEmpty();
    assertThat(miner.activeThreads()).isZero();
  }

  @Test
  void sameShareSetAgainIsNoChange() {
    Miner miner = new Miner(new MiningShare(2, 0.5, 100));

    MiningShare previous = miner.setShare(new MiningShare(2, 0.5, 100));

    assertThat(previous).isEqualTo(new MiningShare(2, 0.5, 100));
    assertThat(miner.shareChanges()).isZero();
  }

  @Test
  void concurrentSettersLeaveAWorkingMiner() throws Exception {
    Miner miner = new Miner(MiningShare.full(1));
    searchForever(miner);
    List<Thread> setters = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      SplittableRandom random = new SplittableRandom(i);
      setters.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int j = 0; j < 300; j++) {
                      miner.setShare(
                          new MiningShare(
                              random.nextInt(1, 5), random.nextDouble(0.05, 1.0), 10 + j % 5));
                    }
                  }));
    }
    for (Thread t : setters) {
      t.join();
    }
    MiningShare last = new MiningShare(2, 1.0, 20);
    miner.setShare(last);

    assertThat(miner.share()).isEqualTo(last);
    await("2 threads after the storm", () -> miner.activeThreads() == 2);
    stopped = true;
    background.get(30, TimeUnit.SECONDS);
    BigInteger difficulty = BigInteger.valueOf(20_000);
    Miner.Solution s = miner.solve(template, difficulty, 7, () -> false).orElseThrow();
    assertThat(ProofOfWork.digest(template, s.nonce())).isEqualTo(s.digest());
    assertThat(ProofOfWork.meets(s.digest(), ProofOfWork.target(difficulty))).isTrue();
  }

  @Test
  void rejectsNullAndTooManyThreadsNamingTheField() {
    Miner miner = new Miner(MiningShare.full(1));

    assertThatThrownBy(() -> miner.setShare(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("miningShare: must not be null");
    assertThatThrownBy(() -> miner.setShare(MiningShare.full(Miner.MAX_THREADS + 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("miningShare.threads must be <= 256");
    assertThatThrownBy(() -> new MiningShare(1, Double.NaN, 100))
        .hasMessageContaining("miningShare.dutyCycle");
    assertThat(miner.share()).isEqualTo(MiningShare.full(1));
    assertThat(miner.shareChanges()).isZero();
  }
}
