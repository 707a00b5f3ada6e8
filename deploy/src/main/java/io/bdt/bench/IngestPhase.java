package io.bdt.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bdt.pki.Pem;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One measured phase: the publisher JVM loads the rig's broker while one consumer (the gateway or
 * the bare subscriber) takes the messages. After a warm-up, it measures over a fixed window the
 * messages consumed (sustained msg/s), the CPU time of the consumer's threads (ns per message), the
 * broker's CPU time and what the publisher offered; then it waits for the backlog to drain so the
 * next phase starts clean.
 */
final class IngestPhase {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Messages the consumer takes before measuring, so its code is compiled by the JIT. */
  static final long WARMUP_MESSAGES = 20_000;

  /** The longest warm-up, however few messages arrive. */
  static final long MAX_WARMUP_MILLIS = 10_000;

  /**
   * How the publisher JVM is started: the command up to its settings file, its threads, the
   * message, its total rate at QoS 0 and at QoS 1 (msg/s, 0 = as fast as the broker takes them),
   * and (fleet publisher) the unacknowledged publishes a device may have.
   */
  record Launch(
      List<String> command,
      int threads,
      String payload,
      double rateQos0,
      double rateQos1,
      int inflight) {
    double rate(int qos) {
      return qos == 0 ? rateQos0 : rateQos1;
    }
  }

  /** How long the publisher JVM may take to connect every device (10,000 on a loaded machine). */
  static final long READY_SECONDS = 300;

  private IngestPhase() {}

  static Map<String, Object> run(
      IngestRig rig,
      IngestRig.Consumer consumer,
      Launch launch,
      long warmupMillis,
      long measureMillis,
      PrintStream progress,
      String label,
      boolean smoke)
      throws Exception {
    rig.start(consumer);
    long before = rig.consumed(consumer);
    Path settings =
        rig.dir().resolve("publisher-" + consumer.name().toLowerCase(Locale.ROOT) + ".json");
    Map<String, Object> publisherSettings =
        rig.publisherSettings(
            MAX_WARMUP_MILLIS + measureMillis + 60_000,
            launch.threads(),
            launch.payload(),
            launch.rate(rig.qos()));
    publisherSettings.put("inflight", launch.inflight());
    Pem.writeSecret(settings, JSON.writeValueAsString(publisherSettings));
    List<String> cmd = new ArrayList<>(launch.command());
    cmd.add(settings.toString());
    Process publisher =
        new ProcessBuilder(cmd).redirectError(rig.dir().resolve("publisher.log").toFile()).start();
    AtomicLong published = new AtomicLong();
    AtomicLong sessionsPresent = new AtomicLong(-1);
    CountDownLatch ready = new CountDownLatch(1);
    Thread reader =
        Thread.ofPlatform()
            .daemon()
            .start(
                () -> {
                  try (BufferedReader in =
                      new BufferedReader(
                          new InputStreamReader(
                              publisher.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                      if (line.startsWith("ready")) {
                        if (line.startsWith("ready sessions ")) {
                          sessionsPresent.set(Long.parseLong(line.substring(15)));
                        }
                        ready.countDown();
                      } else if (line.startsWith("published ") || line.startsWith("done ")) {
                        published.set(Long.parseLong(line.substring(line.indexOf(' ') + 1)));
                      }
                    }
                  } catch (IOException | NumberFormatException e) {
                    // the exit code and the counts tell the rest
                  }
                });
    try {
      if (!ready.await(READY_SECONDS, TimeUnit.SECONDS)) {
        throw new IllegalStateException(
            "the publisher JVM did not connect its devices in "
                + READY_SECONDS
                + " s; see "
                + rig.dir().resolve("publisher.log"));
      }
      // warm-up: the given time, and until the consumer's code is past its first JIT compiles
      long warmEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(warmupMillis);
      long warmLimit = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MAX_WARMUP_MILLIS);
      while (System.nanoTime() < warmEnd
          || (rig.consumed(consumer) - before < WARMUP_MESSAGES
              && System.nanoTime() < warmLimit
              && !smoke)) {
        Thread.sleep(50);
      }
      List<Double> load = RunRecord.loadAverage();
      long c0 = rig.consumed(consumer);
      long p0 = published.get();
      long b0 = brokerCpuNanos(rig);
      long j0 = processCpuNanos();
      ThreadCpu cpu = ThreadCpu.snapshot();
      long[] window = rig.startWindow(consumer);
      long t0 = System.nanoTime();
      long last = c0;
      for (long waited = 0; waited < measureMillis; waited += 1000) {
        Thread.sleep(Math.min(1000, measureMillis - waited));
        long now = rig.consumed(consumer);
        progress.printf(
            Locale.ROOT,
            "\r  %-44s %,9d msg/s consumed, %,d published so far   ",
            label,
            (now - last) * 1000 / Math.max(1, Math.min(1000, measureMillis - waited)),
            published.get());
        progress.flush();
        last = now;
      }
      long seconds = System.nanoTime() - t0;
      List<Map<String, Object>> perGateway = rig.endWindow(consumer, window, seconds / 1e9);
      long consumerCpu = cpu.since(rig.threads(consumer));
      long c1 = rig.consumed(consumer);
      long p1 = published.get();
      long brokerCpu = brokerCpuNanos(rig) - b0;
      long jvmCpu = processCpuNanos() - j0;
      try {
        publisher.getOutputStream().write('\n');
        publisher.getOutputStream().close();
      } catch (IOException ended) {
        // the publisher is gone already: its exit code and log say why
      }
      if (!publisher.waitFor(measureMillis + 60_000, TimeUnit.MILLISECONDS)
          || publisher.exitValue() != 0) {
        // the log goes with the run's directory, so what it says is in the message
        throw new IllegalStateException(
            label
                + ": the publisher JVM failed after "
                + published.get()
                + " publishes: "
                + Files.readString(rig.dir().resolve("publisher.log")).strip());
      }
      reader.join(5_000);
      long drained = drain(rig, consumer, smoke ? 500 : 2_000) - before;
      long consumedInWindow = c1 - c0;
      // QoS 1 is never dropped: nothing consumed means the consumer could not subscribe or read;
      // at QoS 0 an overloaded broker may drop everything, which is a result, not an error
      if (rig.qos() > 0 && (drained == 0 || (consumedInWindow == 0 && !smoke))) {
        throw new IllegalStateException(
            label
                + ": nothing consumed while the publisher ran (credentials or ACLs?); gateway's"
                + " rejections: "
                + rig.rejections()
                + "; publisher: "
                + Files.readString(rig.dir().resolve("publisher.log")).strip());
      }
      double secs = seconds / 1e9;
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("consumer", consumer == IngestRig.Consumer.GATEWAY ? "gateway" : "subscriber");
      r.put("seconds", round(secs));
      r.put("consumed", consumedInWindow);
      r.put("msgPerSecond", round(consumedInWindow / secs));
      r.put("publishedPerSecond", round((p1 - p0) / secs));
      r.put(
          "consumerCpuNanosPerMessage",
          round((double) consumerCpu / Math.max(1, consumedInWindow)));
      r.put("consumerCpuShare", round(consumerCpu / (double) seconds));
      r.put(
          "brokerCpuNanosPerMessage",
          round(
              (double) (rig.brokerPid().isPresent() ? brokerCpu : Math.max(0, jvmCpu - consumerCpu))
                  / Math.max(1, consumedInWindow)));
      r.put("publishedTotal", published.get());
      r.put("droppedTotal", Math.max(0, published.get() - drained));
      r.put("consumedTotal", drained);
      r.put("loadAverage", load);
      r.put("sessionsPresent", sessionsPresent.get());
      r.put("perGateway", perGateway);
      if (consumer == IngestRig.Consumer.GATEWAY) {
        r.put("gatewayRejected", rig.rejections());
      }
      progress.printf(
          Locale.ROOT,
          "\r  %-44s %,9.0f msg/s, %,6.2f µs CPU/msg (load %s)%s%s%n",
          label,
          consumedInWindow / secs,
          consumerCpu / 1e3 / Math.max(1, consumedInWindow),
          load.isEmpty() ? "?" : load.getFirst(),
          consumer == IngestRig.Consumer.GATEWAY ? ", rejected: " + rig.rejections() : "",
          " ".repeat(20));
      if (perGateway.size() > 1 || perGateway.getFirst().containsKey("latencyP50Micros")) {
        for (Map<String, Object> g : perGateway) {
          progress.printf(
              Locale.ROOT,
              "    %s: %,.0f msg/s, latency p50 %s µs, p99 %s µs%n",
              g.get("gateway"),
              (Double) g.get("msgPerSecond"),
              g.getOrDefault("latencyP50Micros", "-"),
              g.getOrDefault("latencyP99Micros", "-"));
        }
      }
      return r;
    } finally {
      publisher.destroy();
      publisher.waitFor(5, TimeUnit.SECONDS);
      rig.stop(consumer);
    }
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  /**
   * Waits until the consumer stops advancing for {@code quietMillis} (the backlog is drained, or
   * QoS 0 messages were dropped); returns its count.
   */
  private static long drain(IngestRig rig, IngestRig.Consumer consumer, long quietMillis)
      throws InterruptedException {
    long previous = -1;
    long stalledSince = System.nanoTime();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      long now = rig.consumed(consumer);
      if (now != previous) {
        previous = now;
        stalledSince = System.nanoTime();
      } else if (System.nanoTime() - stalledSince > TimeUnit.MILLISECONDS.toNanos(quietMillis)) {
        break;
      }
      Thread.sleep(100);
    }
    return rig.consumed(consumer);
  }

  /** CPU time of an external broker (user + system from /proc), 0 for the embedded one. */
  private static long brokerCpuNanos(IngestRig rig) {
    if (rig.brokerPid().isEmpty()) {
      return 0;
    }
    try {
      String stat = Files.readString(Path.of("/proc/" + rig.brokerPid().getAsLong() + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // fields 14 and 15 of stat (utime, stime) in clock ticks of 10 ms
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  private static long processCpuNanos() {
    return ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime()
        : 0;
  }
}
