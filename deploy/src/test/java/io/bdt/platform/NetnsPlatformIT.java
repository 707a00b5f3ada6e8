package io.bdt.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bdt.platform.netns.NetnsHosts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./bdt platform --hosts netns}: the {@code prod} overlay's APs, gateways, Mosquitto, Kafka
 * (at Strimzi's bootstrap name) and explorer, each on its own network-namespace host with its pod's
 * environment, and the sensor fleet on a host of its own; every gateway's CloudEvents reach Kafka.
 * With the link cut of the AP the gateways offload to and read the chain from first, the other APs
 * keep mining, every gateway keeps turning windows into results (run locally and counted as
 * fallbacks, or moved to another AP) and keeps getting its chain writes (anchors) mined through
 * another AP's node; after the link heals the three chains converge; once the fleet stops, every
 * published window reached a gateway and every window a gateway took has its result. Needs root,
 * kubectl and the services built; skipped with the reason otherwise.
 */
@Timeout(1800)
class NetnsPlatformIT {
  static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

  /** The AP the overlay's gateways are served by ({@code bdt.gateway.inference.serving-ap} 0). */
  static final String SERVING_AP = "ap-0.ap";

  static final String WINDOWS = "bdt_telemetry_ingested_total";
  static final String RESULTS = "bdt_inference_latency_measured_seconds_count";
  static final String FALLBACKS = "bdt_inference_offload_fallback_total";
  static final String SERVED = "bdt_ap_tasks_served_total";
  static final String CHAIN_WRITES = "bdt_chain_writes_total";
  static final String FAILOVERS = "bdt_chain_node_failovers_total";

  @TempDir Path dir;

  @BeforeAll
  static void rootKubectlAndBuilds() {
    assumeTrue(
        Stream.of(System.getenv("PATH").split(":"))
            .anyMatch(d -> Files.isExecutable(Path.of(d, "kubectl"))),
        "kubectl (with Kustomize) renders the prod overlay");
    assumeTrue(NetnsHosts.available(), "network namespaces need root and iproute2");
    for (String module : List.of("access-point", "gateway-twin")) {
      assumeTrue(
          Files.exists(ROOT.resolve(module + "/target/quarkus-app/quarkus-run.jar")),
          module + " is built (./mvnw -pl deploy,gateway-twin -am package)");
    }
    assumeTrue(
        Stream.of("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib")
            .anyMatch(d -> Files.exists(Path.of(d, "mosquitto_dynamic_security.so"))),
        "Mosquitto 2 with its dynamic security plugin is installed");
  }

  @Test
  void tasksChainViewAndChainSurviveTheServingApsLinkCutAndNothingIsLost() throws Exception {
    NetnsPlatform.Settings settings =
        new NetnsPlatform.Settings(ROOT, dir, 4, 1000, 5e6, 20_000, Map.of());
    try (NetnsPlatform p = new NetnsPlatform(settings, System.out)) {
      p.start();
      List<String> gateways = p.gateways();
      List<String> others = p.aps().stream().filter(a -> !a.equals(SERVING_AP)).toList();
      await(
          "every gateway has results and the APs mine",
          Duration.ofSeconds(300),
          () -> gateways.stream().allMatch(g -> p.probe().metric(g, RESULTS) >= 5));
      await(
          "every gateway's CloudEvents reach Kafka on its own host",
          Duration.ofSeconds(120),
          () ->
              gateways.stream()
                  .allMatch(
                      g ->
                          p.probe()
                                  .metricBy(g, "bdt_kafka_events_total", "outcome")
                                  .getOrDefault("sent", 0L)
                              > 0));
      System.out.println("netns-it: before the cut: " + p.summary());
      assertThat(p.probe().metric(SERVING_AP, SERVED))
          .as("tasks offloaded to " + SERVING_AP + " before its link is cut")
          .isPositive();

      Map<String, Double> resultsAtCut = metrics(p, gateways, RESULTS);
      Map<String, Double> fallbacksAtCut = metrics(p, gateways, FALLBACKS);
      Map<String, Double> servedAtCut = metrics(p, others, SERVED);
      Map<String, Double> writesAtCut = metrics(p, gateways, CHAIN_WRITES);
      long othersAtCut = others.stream().mapToLong(p.probe()::head).max().orElseThrow();
      p.cut(SERVING_AP);
      long cutAt = System.nanoTime();
      await(
          "the other APs mine on and every gateway keeps getting results and chain writes",
          Duration.ofSeconds(300),
          () ->
              others.stream().allMatch(a -> p.probe().head(a) >= othersAtCut + 3)
                  && gateways.stream()
                      .allMatch(
                          g ->
                              p.probe().metric(g, RESULTS) >= resultsAtCut.get(g) + 10
                                  && p.probe().metric(g, CHAIN_WRITES) >= writesAtCut.get(g) + 1));
      System.out.printf(
          "netns-it: %.0f s after cutting %s: %s%n",
          (System.nanoTime() - cutAt) / 1e9, SERVING_AP, p.summary());
      assertThat(p.probe().head(SERVING_AP))
          .as(SERVING_AP + " is unreachable while cut")
          .isEqualTo(-1);
      for (String g : gateways) {
        assertThat(p.probe().metric(g, FAILOVERS))
            .as(g + " moved its chain calls off " + SERVING_AP)
            .isPositive();
      }
      Map<String, Double> fallbacksCut = metrics(p, gateways, FALLBACKS);
      Map<String, Double> servedCut = metrics(p, others, SERVED);

      p.heal(SERVING_AP);
      long target = others.stream().mapToLong(p.probe()::head).max().orElseThrow();
      await(
          "the three APs converge on one chain",
          Duration.ofSeconds(300),
          () -> {
            String hash = p.probe().blockHash(others.getFirst(), target);
            return hash != null
                && p.aps().stream().allMatch(a -> hash.equals(p.probe().blockHash(a, target)));
          });
      System.out.println("netns-it: converged at block " + target + ": " + p.summary());

      p.fleet().close();
      long published = p.fleet().published();
      await(
          "every window published reached a gateway and has its result",
          Duration.ofSeconds(180),
          () -> {
            double windows = 0;
            for (String g : gateways) {
              double w = p.probe().metric(g, WINDOWS);
              if (w < 0 || p.probe().metric(g, RESULTS) != w) {
                return false;
              }
              windows += w;
            }
            return windows == published;
          });
      System.out.println("netns-it: fleet stopped after " + published + " windows: " + p.summary());
      // either way is fine: a gateway runs the task itself (counted when an offload failed) or a
      // coordinator moves it to a reachable AP; the count above says none was lost
      for (String g : gateways) {
        System.out.printf(
            "netns-it: %s fallbacks during the cut: %.0f%n",
            g, fallbacksCut.get(g) - fallbacksAtCut.get(g));
      }
      for (String a : others) {
        System.out.printf(
            "netns-it: %s served during the cut: %.0f%n", a, servedCut.get(a) - servedAtCut.get(a));
      }
    }
  }

  private static Map<String, Double> metrics(NetnsPlatform p, List<String> hosts, String metric) {
    Map<String, Double> m = new LinkedHashMap<>();
    hosts.forEach(h -> m.put(h, p.probe().metric(h, metric)));
    return m;
  }

  private static void await(String what, Duration limit, BooleanSupplier done) throws Exception {
    long end = System.nanoTime() + limit.toNanos();
    while (!done.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(end);
      Thread.sleep(1000);
    }
  }
}
