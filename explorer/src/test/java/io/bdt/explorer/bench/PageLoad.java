package io.bdt.explorer.bench;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A load generator for the explorer: {@code clients} concurrent clients, each requesting the given
 * paths in turn (each client starting at a different one) back to back for a duration; the latency
 * of every request is kept per path. A warm-up round of the same shape is run and discarded first.
 */
final class PageLoad {

  /** Latency percentiles of one path (milliseconds) and how many requests they cover. */
  record Latency(String path, int requests, double p50, double p90, double p99, double max) {}

  private final HttpClient http = HttpClient.newBuilder().build();
  private final String base;
  private final PrintStream progress;

  PageLoad(String base, PrintStream progress) {
    this.base = base;
    this.progress = progress;
  }

  /** Runs {@code clients} clients over {@code paths} for {@code measure}, after {@code warmUp}. */
  List<Latency> run(List<String> paths, int clients, Duration warmUp, Duration measure)
      throws Exception {
    progress.printf("load: warm-up, %d clients for %s%n", clients, warmUp);
    round(paths, clients, warmUp);
    progress.printf("load: measuring, %d clients for %s%n", clients, measure);
    Map<String, List<Double>> times = round(paths, clients, measure);
    List<Latency> out = new ArrayList<>();
    for (String p : paths) {
      double[] ms = times.get(p).stream().mapToDouble(Double::doubleValue).sorted().toArray();
      out.add(
          new Latency(
              p, ms.length, rank(ms, 0.50), rank(ms, 0.90), rank(ms, 0.99), ms[ms.length - 1]));
    }
    return out;
  }

  private Map<String, List<Double>> round(List<String> paths, int clients, Duration length)
      throws Exception {
    long end = System.nanoTime() + length.toNanos();
    AtomicLong done = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<Map<String, List<Double>>>> results = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      int first = c;
      results.add(
          pool.submit(
              () -> {
                Map<String, List<Double>> mine = new LinkedHashMap<>();
                for (int i = first; System.nanoTime() < end; i++) {
                  String p = paths.get(i % paths.size());
                  long t = System.nanoTime();
                  get(p);
                  mine.computeIfAbsent(p, k -> new ArrayList<>())
                      .add((System.nanoTime() - t) / 1e6);
                  done.incrementAndGet();
                }
                return mine;
              }));
    }
    Map<String, List<Double>> all = new LinkedHashMap<>();
    paths.forEach(p -> all.put(p, new ArrayList<>()));
    long started = System.nanoTime();
    while (System.nanoTime() < end) {
      Thread.sleep(Math.min(5000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
      progress.printf(
          "load: %,d requests (%.0f/s)%n",
          done.get(), done.get() / ((System.nanoTime() - started) / 1e9));
    }
    for (Future<Map<String, List<Double>>> f : results) {
      f.get().forEach((p, t) -> all.get(p).addAll(t));
    }
    pool.shutdown();
    return all;
  }

  /** The value at rank ceil(q n) of sorted {@code ms} (nearest-rank percentile). */
  static double rank(double[] ms, double q) {
    return ms[(int) Math.max(0, Math.min(ms.length - 1, Math.ceil(ms.length * q) - 1))];
  }

  String get(String path) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60)).build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
    }
    return r.body();
  }

  /** Waits until {@code path} answers 200. */
  void awaitUp(String path, Duration limit) throws Exception {
    long end = System.nanoTime() + limit.toNanos();
    while (true) {
      try {
        get(path);
        return;
      } catch (java.io.IOException | IllegalStateException e) {
        if (System.nanoTime() > end) {
          throw new IllegalStateException("explorer not up after " + limit + ": " + base + path, e);
        }
        Thread.sleep(500);
      }
    }
  }

  static String percentiles(Latency l) {
    return String.format(
        java.util.Locale.ROOT,
        "%s: p50 %.1f ms, p99 %.1f ms (%d requests)",
        l.path(),
        l.p50(),
        l.p99(),
        l.requests());
  }
}
