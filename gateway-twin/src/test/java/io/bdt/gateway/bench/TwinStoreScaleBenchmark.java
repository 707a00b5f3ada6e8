package io.bdt.gateway.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.bdt.gateway.twin.TwinStore;
import io.bdt.gateway.twin.TwinStoreOptions;
import io.bdt.gateway.twin.TwinUpdate;
import io.bdt.gateway.twin.query.TwinQueries;
import io.bdt.gateway.twin.query.TwinSearch;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The twin store at scale: {@code twins} twins (site {@code site-(i % 1000)}, a vibration feature
 * with {@code rms} and {@code n}) plus {@code updates} telemetry updates to random twins (one
 * history entry each), loaded once (kept in {@code $TMPDIR/bdt-twin-scale-N} for every benchmark's
 * fork; delete it after the run) with progress on stderr; each fork times its open (restart to
 * ready, with a 10,000-event journal tail to replay). Measured:
 *
 * <ul>
 *   <li>{@code indexedQuery}: {@code and(eq(attributes/site,"site-17"),gt(rms,0.5))} sorted by
 *       {@code -_modified}, first page of 100 (the equality index names 1/1000 of the twins);
 *   <li>{@code fullScanQuery}: {@code gt(features/vibration/properties/rms,0.999)}, first page of
 *       100 sorted by {@code -features/vibration/properties/rms} (every twin decoded and tested);
 *   <li>{@code getById}: one twin by id, with the trial's footprint as secondary metrics: {@code
 *       peakHeapMb} (sum of the heap pools' peaks, an upper bound of the peak used heap), {@code
 *       restartSeconds}, {@code diskBytesPerTwin}, {@code diskBytesPerHistoryEntry}.
 * </ul>
 *
 * Run with {@code -jvmArgs -Xmx2g} (docs/benchmarks.md).
 */
@State(Scope.Benchmark)
public class TwinStoreScaleBenchmark {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Param({"1000000"})
  public int twins;

  /** Telemetry updates after the twins are created (one history entry each). */
  @Param({"100000"})
  public int updates;

  private Path dir;
  private TwinStore store;
  private TwinSearch search;
  private final SplittableRandom random = new SplittableRandom(1);
  static double peakHeapMb;
  static double restartSeconds;
  static double diskBytesPerTwin;
  static double diskBytesPerHistoryEntry;

  /** The trial's footprint, reported next to {@code getById}. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Footprint {
    public double peakHeapMb;
    public double restartSeconds;
    public double diskBytesPerTwin;
    public double diskBytesPerHistoryEntry;

    // at the iteration's end: JMH zeroes auxiliary counters after the iteration's setups ran (its
    // generated getById_jmhTest), so values copied in a setup were reported as 0
    @TearDown(Level.Iteration)
    public void copy() {
      peakHeapMb = TwinStoreScaleBenchmark.peakHeapMb;
      restartSeconds = TwinStoreScaleBenchmark.restartSeconds;
      diskBytesPerTwin = TwinStoreScaleBenchmark.diskBytesPerTwin;
      diskBytesPerHistoryEntry = TwinStoreScaleBenchmark.diskBytesPerHistoryEntry;
    }
  }

  private static String id(int i) {
    return String.format("bench:m%07d", i);
  }

  @Setup(Level.Trial)
  public void load() throws IOException {
    // one load for all benchmarks (JMH forks a JVM per benchmark): the store and the footprint
    // measured while loading are kept in a fixed directory and reused by the later forks
    dir = Path.of(System.getProperty("java.io.tmpdir"), "bdt-twin-scale-" + twins + "-" + updates);
    Path footprint = dir.resolve("footprint.json");
    TwinStoreOptions options = TwinStoreOptions.defaults(10);
    if (Files.exists(footprint)) {
      var f = JSON.readTree(footprint.toFile());
      diskBytesPerTwin = f.path("diskBytesPerTwin").asDouble();
      diskBytesPerHistoryEntry = f.path("diskBytesPerHistoryEntry").asDouble();
      peakHeapMb = f.path("peakHeapMb").asDouble();
    } else {
      deleteDir();
      Files.createDirectories(dir);
      fill(options);
      Files.writeString(
          footprint,
          JSON.createObjectNode()
              .put("diskBytesPerTwin", diskBytesPerTwin)
              .put("diskBytesPerHistoryEntry", diskBytesPerHistoryEntry)
              .put("peakHeapMb", peakHeap())
              .toString());
    }
    long start = System.nanoTime();
    store = TwinStore.open(dir, Clock.systemUTC(), options);
    restartSeconds = (System.nanoTime() - start) / 1e9;
    search = new TwinSearch(store);
    System.err.printf(
        "twin-scale: %d twins, %s, restart to ready %.2f s, %.0f disk bytes/twin, %.0f disk"
            + " bytes/history entry, peak heap %.0f MB%n",
        store.size(),
        store.stats(),
        restartSeconds,
        diskBytesPerTwin,
        diskBytesPerHistoryEntry,
        peakHeap());
  }

  private void fill(TwinStoreOptions options) throws IOException {
    store = TwinStore.open(dir, Clock.systemUTC(), options);
    long start = System.nanoTime();
    for (int i = 0; i < twins; i++) {
      store.apply(
          id(i),
          new TwinUpdate.Replace(
              JSON.readTree(
                  "{\"attributes\":{\"site\":\"site-"
                      + (i % 1000)
                      + "\",\"model\":\"vib-3\"},\"features\":{\"vibration\":{\"properties\":"
                      + "{\"rms\":"
                      + random.nextDouble()
                      + ",\"n\":"
                      + i
                      + "}}}}")),
          false);
      progress("twins", i + 1, twins, start);
    }
    store.checkpoint();
    long afterTwins = diskBytes();
    diskBytesPerTwin = (double) afterTwins / twins;
    start = System.nanoTime();
    for (int i = 0; i < updates; i++) {
      store.apply(
          id(random.nextInt(twins)),
          new TwinUpdate.ReportProperties(
              "vibration",
              JsonNodeFactory.instance.objectNode().put("rms", random.nextDouble()).put("n", i)),
          false);
      if ((i + 1) % 10_000 == 0) {
        progress("telemetry updates", i + 1, updates, start);
      }
    }
    store.checkpoint();
    diskBytesPerHistoryEntry = (double) (diskBytes() - afterTwins) / updates;
    // a journal tail after the checkpoint, as after a crash: every restart replays it
    for (int i = 0; i < 10_000; i++) {
      store.apply(
          id(random.nextInt(twins)),
          new TwinUpdate.ReportProperties(
              "vibration", JsonNodeFactory.instance.objectNode().put("rms", random.nextDouble())),
          false);
    }
    store.close();
  }

  private void deleteDir() throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private void progress(String what, int done, int total, long startNanos) {
    if (done % 100_000 == 0 || what.startsWith("telemetry")) {
      double s = (System.nanoTime() - startNanos) / 1e9;
      System.err.printf(
          "twin-scale: %,d/%,d %s in %.1f s (%.0f/s), heap peak %.0f MB%n",
          done, total, what, s, done / s, peakHeap());
    }
  }

  private long diskBytes() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.mapToLong(f -> f.toFile().length()).sum();
    }
  }

  static double peakHeap() {
    double sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        sum += pool.getPeakUsage().getUsed();
      }
    }
    peakHeapMb = Math.max(peakHeapMb, sum / (1 << 20));
    return peakHeapMb;
  }

  @TearDown(Level.Iteration)
  public void notePeak() {
    peakHeap();
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    System.err.printf("twin-scale: peak heap %.0f MB%n", peakHeap());
    store.close(); // the directory stays for the next benchmark's fork (delete it after the run)
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public TwinSearch.Page indexedQuery() {
    return search.run(
        TwinQueries.parse(
            null,
            List.of(
                "and(eq(attributes/site,\"site-"
                    + random.nextInt(1000)
                    + "\"),gt(features/vibration/properties/rms,0.5))"),
            "-_modified",
            null,
            100));
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public TwinSearch.Page fullScanQuery() {
    return search.run(
        TwinQueries.parse(
            null,
            List.of("gt(features/vibration/properties/rms,0.999)"),
            "-features/vibration/properties/rms",
            null,
            100));
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public Object getById(Footprint footprint) {
    return store.get(id(random.nextInt(twins)));
  }
}
