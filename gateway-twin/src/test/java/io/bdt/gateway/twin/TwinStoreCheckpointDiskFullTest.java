package io.bdt.gateway.twin;

import static io.bdt.gateway.twin.TwinStoreDiskFaultTest.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.bdt.gateway.storage.SmallDisk;
import io.bdt.gateway.storage.StorageFault;
import io.bdt.gateway.storage.StorageMetrics;
import io.bdt.gateway.storage.StorageUnavailableException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint on a real file system that fills up under it (a tmpfs of its own, ENOSPC from the
 * kernel): the journal's rotation still fits (an empty segment), the state tables' commit does not,
 * and H2 MVStore closes its file. The error names the disk, is counted in the storage metrics, the
 * store refuses writes instead of failing, no acknowledged update is lost, and the store reopens
 * its tables by itself once the disk has room.
 */
class TwinStoreCheckpointDiskFullTest {

  @TempDir Path dir;

  private static TwinUpdate reading(long n) {
    return new TwinUpdate.ReportProperties(
        "telemetry", JsonNodeFactory.instance.objectNode().put("n", n));
  }

  /** The telemetry numbers in every twin's history, sorted. */
  private static List<Long> numbers(TwinStore store, int twins) {
    List<Long> out = new ArrayList<>();
    for (int t = 0; t < twins; t++) {
      for (TwinEvent e :
          store.history("bdt:t" + t, Instant.EPOCH, Instant.now().plusSeconds(60), 1 << 20)) {
        Twin twin =
            switch (e) {
              case TwinEvent.Created c -> c.twin();
              case TwinEvent.Modified m -> m.twin();
              case TwinEvent.Deleted d -> null;
            };
        if (twin != null && twin.features().containsKey("telemetry")) {
          out.add(twin.features().get("telemetry").properties().path("n").asLong());
        }
      }
    }
    out.sort(null);
    return out;
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void aDiskThatFillsDuringACheckpointRefusesWritesLosesNoAckedUpdateAndRecoversWithRoom()
      throws Exception {
    int twins = 200;
    // history kept whole; no checkpoint but the test's (checkpointBytes far above what is written)
    TwinStoreOptions options =
        TwinStoreOptions.defaults(10).withHistory(1_000_000, Duration.ofDays(1));
    try (SmallDisk disk = SmallDisk.mount(dir.resolve("disk"), 40)) {
      Path data = disk.dir().resolve("twins");
      Set<Long> acked = ConcurrentHashMap.newKeySet();
      long last;
      try (TwinStore store = TwinStore.open(data, Clock.systemUTC(), options)) {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        StorageMetrics.register(meters, "twins", store, TwinStore::diskFailures, TwinStore::fault);
        long n = 0;
        while (n < 5_000) { // about 1 MB of table changes for each checkpoint's commit
          n++;
          store.apply("bdt:t" + (n % twins), reading(n), false);
          long mine = n;
          store.whenDurable(() -> acked.add(mine));
          if (n == 2_500) {
            store.checkpoint(); // a good checkpoint before the one that fails
          }
        }
        store.sync();
        await(() -> acked.size() == 5_000, Duration.ofSeconds(10), "every update acknowledged");
        // the commit thread writes ahead between checkpoints; let it finish first, so that the
        // full disk meets the checkpoint (a commit-ahead meeting it is the same fault, but the
        // test is about the checkpoint's error)
        store.tables().awaitCommits();
        disk.fill();

        assertThatThrownBy(store::checkpoint)
            .isInstanceOf(StorageUnavailableException.class)
            .hasMessageContaining("checkpoint")
            .hasMessageContaining("No space left on device");
        StorageFault fault = store.fault().orElseThrow();
        System.out.println("TwinStoreCheckpointDiskFullTest: " + fault.describe());
        assertThat(fault.operation()).isEqualTo("checkpoint");
        assertThat(fault.reopenNeeded()).isTrue();
        assertThat(
                meters.get("bdt.storage.failures").tag("store", "twins").functionCounter().count())
            .isPositive();
        assertThat(meters.get("bdt.storage.writable").tag("store", "twins").gauge().value())
            .isZero();
        assertThatThrownBy(() -> store.apply("bdt:t0", reading(-1), false))
            .isInstanceOf(StorageUnavailableException.class)
            .hasMessageContaining("No space left on device");
        Thread.sleep(200); // background intervals pass: nothing recovers while the disk is full
        assertThat(store.fault()).isPresent();
        assertThat(store.tableRecoveries()).isZero();

        disk.free();
        await(() -> store.fault().isEmpty(), Duration.ofSeconds(20), "the tables are reopened");
        assertThat(store.tableRecoveries()).isEqualTo(1);
        assertThat(meters.get("bdt.storage.writable").tag("store", "twins").gauge().value())
            .isEqualTo(1);
        assertThat(numbers(store, twins)).as("acknowledged updates after recovery").hasSize(5_000);
        last = n + 1;
        store.apply("bdt:t0", reading(last), true);
        store.checkpoint(); // there is room: it succeeds
        assertThat(store.stats().checkpoints()).isEqualTo(2);
      }
      try (TwinStore reopened = TwinStore.open(data, Clock.systemUTC(), options)) {
        List<Long> numbers = numbers(reopened, twins);
        assertThat(numbers).containsAll(acked).contains(last).hasSize(acked.size() + 1);
        assertThat(reopened.size()).isEqualTo(twins);
      }
    }
  }
}
