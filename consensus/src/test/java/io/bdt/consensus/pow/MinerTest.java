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
   * Duty cycle 1.0 -> 0.25 on one thread, set while mining: from then on the worker hashes in at
   * most about a quarter of each period and sleeps the rest. Judged on the worker thread's CPU time
   * (ThreadMXBean), not on a ratio of wall-clock hash rates between two phases: a loaded machine
   * can only lower a thread's CPU share, so the bound holds however busy the machine is, while a
   * miner that ignored the duty cycle would use its whole time slice on an idle one. The bound (0.4
   * of wall time) leaves room for the chunk a worker finishes after its slice ends.
   */
  @Test
  void quarterDutyCycleSetWhileMiningCutsTheHashRate() throws Exception {
    Miner miner = new Miner(new MiningShare(1, 1.0, 20));
    searchForever(miner);
    Thread worker = workerThread("pow-0");
    assertThat(cpuNanos(worker)).as("the full-duty worker's CPU time").isPositive();

    miner.setShare(new MiningShare(1, 0.25, 20));
    // the hash-rate window then holds only the new setting
    Thread.sleep(Miner.RATE_WINDOW_NANOS / 1_000_000 + 100);
    long cpu0 = cpuNanos(worker);
    long hashes0 = miner.totalHashes();
    long wall0 = System.nanoTime();
    Thread.sleep(1500);
    long cpu = cpuNanos(worker) - cpu0;
    long hashes = miner.totalHashes() - hashes0;
    long wall = System.nanoTime() - wall0;
    double hashesPerCpuSecond = hashes / (cpu / 1e9);

    assertThat(miner.share().dutyCycle()).isEqualTo(0.25);
    assertThat(hashes).as("hashes at duty 0.25").isPositive();
    assertThat((double) cpu / wall).as("the worker's CPU share of wall time").isLessThan(0.4);
    assertThat(miner.hashRate())
        .as("hashRate() against what one fully busy thread hashes per second")
        .isLessThan(0.4 * hashesPerCpuSecond * 1.25);
  }

  /** The live thread named {@code name} (a miner worker). */
  static Thread workerThread(String name) throws InterruptedException {
    await(
        name,
        () -> Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name)));
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  /** CPU time {@code thread} has used so far, in nanoseconds. */
  static long cpuNanos(Thread thread) {
    java.lang.management.ThreadMXBean threads =
        java.lang.management.ManagementFactory.getThreadMXBean();
    assertThat(threads.isThreadCpuTimeSupported())
        .as("thread CPU time is measurable here")
        .isTrue();
    return threads.getThreadCpuTime(thread.threadId());
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
