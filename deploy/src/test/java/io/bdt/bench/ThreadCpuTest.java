package io.bdt.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ThreadCpuTest {

  @Test
  void countsTheCpuOfTheNamedThreadsOnlyAndOnlySinceTheSnapshot() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Thread sleeper = Thread.ofPlatform().name("bench-sleeper").start(() -> awaitQuietly(release));
    burn("bench-burner-early", 30); // before the snapshot: not counted
    ThreadCpu snapshot = ThreadCpu.snapshot();
    Thread late = Thread.ofPlatform().name("bench-burner-late").start(() -> burnHere(50));
    late.join();
    Thread.sleep(50);
    // the late burner has ended: only live threads count, so keep one burning while measuring
    CountDownLatch measured = new CountDownLatch(1);
    CountDownLatch burnt = new CountDownLatch(1);
    Thread live =
        Thread.ofPlatform()
            .name("bench-burner-live")
            .start(
                () -> {
                  burnHere(50);
                  burnt.countDown();
                  awaitQuietly(measured);
                });
    burnt.await();
    long burners = snapshot.since(n -> n.startsWith("bench-burner"));
    long sleepers = snapshot.since(n -> n.equals("bench-sleeper"));
    measured.countDown();
    release.countDown();
    live.join();
    sleeper.join();
    assertThat(burners).isBetween(50_000_000L, 1_000_000_000L);
    assertThat(sleepers).isLessThan(20_000_000L);
  }

  private static void burn(String name, long millis) throws InterruptedException {
    Thread t = Thread.ofPlatform().name(name).start(() -> burnHere(millis));
    t.join();
  }

  /** Spins until this thread has used {@code millis} of CPU time (not wall-clock time). */
  private static void burnHere(long millis) {
    var threads = ManagementFactory.getThreadMXBean();
    long until = threads.getCurrentThreadCpuTime() + millis * 1_000_000;
    long x = 0;
    while (threads.getCurrentThreadCpuTime() < until) {
      x += System.nanoTime() % 7;
    }
    if (x == 42) {
      System.out.print("");
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
