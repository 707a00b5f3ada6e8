package io.bdt.gateway.twin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bdt.gateway.storage.SmallDisk;
import io.bdt.gateway.storage.StorageFault;
import io.bdt.gateway.storage.StorageUnavailableException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The twin store on a disk that fails: a real full tmpfs (ENOSPC from the kernel), and an fsync
 * error that only a fake can produce here. Writes are refused while the fault lasts, nothing
 * accepted before it is lost, and the store takes writes again by itself once the disk does.
 */
class TwinStoreDiskFaultTest {

  private static final TwinStoreOptions OPTIONS = TwinStoreOptions.defaults(10);

  @TempDir Path dir;

  private static TwinUpdate reading(long n) {
    ObjectNode props = JsonNodeFactory.instance.objectNode().put("n", n);
    return new TwinUpdate.ReportProperties("telemetry", props);
  }

  /**
   * Applies telemetry updates n = 1, 2, ... to one twin until the store refuses one; returns the
   * numbers it accepted, marking in {@code durable} those whose {@code whenDurable} ran.
   */
  private static List<Long> writeUntilRefused(
      TwinStore store, String thing, Set<Long> durable, Duration limit) {
    List<Long> accepted = new ArrayList<>();
    long end = System.nanoTime() + limit.toNanos();
    for (long n = 1; System.nanoTime() < end; n++) {
      try {
        store.apply(thing, reading(n), false);
      } catch (StorageUnavailableException refused) {
        return accepted;
      }
      accepted.add(n);
      long mine = n;
      store.whenDurable(() -> durable.add(mine));
    }
    throw new AssertionError("the store accepted every write for " + limit);
  }

  /** Waits for {@code condition}; fails naming {@code what} after {@code limit}. */
  static void await(BooleanSupplier condition, Duration limit, String what)
      throws InterruptedException {
    long end = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError(what + " within " + limit);
      }
      Thread.sleep(10);
    }
  }

  private static List<Long> numbersInHistory(TwinStore store, String thing) {
    return store.history(thing, Instant.EPOCH, Instant.now().plusSeconds(60), 1_000_000).stream()
        .filter(
            e -> e instanceof TwinEvent.Modified m && m.twin().features().containsKey("telemetry"))
        .map(e -> ((TwinEvent.Modified) e).twin().features().get("telemetry").properties())
        .map(p -> p.path("n").asLong())
        .toList();
  }

  private static TwinStoreOptions keepAll() {
    return OPTIONS.withHistory(1_000_000, Duration.ofDays(1));
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void aFullDiskRefusesWritesUntilItHasRoomAndLosesNothingAccepted() throws Exception {
    try (SmallDisk disk = SmallDisk.mount(dir.resolve("disk"), 2)) {
      Path twins = disk.dir().resolve("twins");
      Set<Long> durable = ConcurrentHashMap.newKeySet();
      List<Long> accepted;
      try (TwinStore store = TwinStore.open(twins, Clock.systemUTC(), keepAll())) {
        store.apply("bdt:t", new TwinUpdate.Replace(JsonNodeFactory.instance.objectNode()), true);
        disk.fill();
        accepted = writeUntilRefused(store, "bdt:t", durable, Duration.ofSeconds(30));

        StorageFault fault = store.fault().orElseThrow();
        System.out.printf(
            "TwinStoreDiskFaultTest: full tmpfs: %d updates accepted, %d of them durable when the"
                + " first write was refused: %s%n",
            accepted.size(), durable.size(), fault.describe());
        assertThat(fault.operation()).isEqualTo("write");
        assertThat(fault.cause()).contains("No space left on device");
        assertThat(fault.reopenNeeded()).isFalse();
        assertThat(store.diskFailures()).isPositive();
        assertThatThrownBy(() -> store.apply("bdt:t", reading(-1), true))
            .isInstanceOf(StorageUnavailableException.class)
            .hasMessageContaining("No space left on device");
        assertThat(durable)
            .as("acknowledged although not on disk")
            .doesNotContain(accepted.getLast());

        disk.free();
        await(() -> store.fault().isEmpty(), Duration.ofSeconds(10), "the store takes writes");
        await(
            () -> durable.containsAll(accepted),
            Duration.ofSeconds(10),
            "every accepted update is durable");
        store.apply("bdt:t", reading(accepted.getLast() + 1), true);
      }
      try (TwinStore reopened = TwinStore.open(twins, Clock.systemUTC(), keepAll())) {
        List<Long> expected = new ArrayList<>(accepted);
        expected.add(accepted.getLast() + 1);
        assertThat(numbersInHistory(reopened, "bdt:t")).isEqualTo(expected);
      }
    }
  }

  /**
   * A fake fsync that fails with EIO while {@code failing} is set: no file system on this machine
   * fails an fsync on demand (no device-mapper to put a dm-error or dm-flakey target under one).
   */
  private record FakeFsyncError(AtomicBoolean failing) implements TwinJournal.Fsync {
    @Override
    public void force(FileChannel channel) throws IOException {
      if (failing.get()) {
        throw new IOException("Input/output error (fake fsync EIO of the test)");
      }
      channel.force(false);
    }
  }

  @Test
  @Timeout(value = 1, unit = TimeUnit.MINUTES)
  void aFailedFsyncHoldsAcknowledgementsRefusesWritesAndRecoversByRewriting() throws Exception {
    AtomicBoolean failing = new AtomicBoolean();
    Set<Long> durable = ConcurrentHashMap.newKeySet();
    List<Long> accepted;
    try (TwinStore store =
        TwinStore.open(dir, Clock.systemUTC(), keepAll(), new FakeFsyncError(failing))) {
      store.apply("bdt:t", new TwinUpdate.Replace(JsonNodeFactory.instance.objectNode()), true);
      failing.set(true);
      accepted = writeUntilRefused(store, "bdt:t", durable, Duration.ofSeconds(30));

      StorageFault fault = store.fault().orElseThrow();
      assertThat(fault.operation()).isEqualTo("fsync");
      assertThat(fault.cause()).contains("Input/output error");
      assertThat(durable).doesNotContain(accepted.getLast());
      assertThatThrownBy(() -> store.delete("bdt:t"))
          .isInstanceOf(StorageUnavailableException.class);

      failing.set(false);
      await(() -> store.fault().isEmpty(), Duration.ofSeconds(10), "the store takes writes");
      await(() -> durable.containsAll(accepted), Duration.ofSeconds(10), "accepted is durable");
    }
    try (TwinStore reopened = TwinStore.open(dir, Clock.systemUTC(), keepAll())) {
      assertThat(numbersInHistory(reopened, "bdt:t")).isEqualTo(accepted);
      assertThat(reopened.get("bdt:t")).isPresent();
    }
  }
}
