package io.bdt.platform;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The faults a soak run injects into a running {@link Platform}, each followed by the wait for the
 * platform to be whole again. A fault's {@code down} is how long the fault itself lasted (the
 * outage imposed; 0 for a kill, which is restarted at once); its recovery is counted from the end
 * of that.
 */
final class SoakFaults {

  /** The kinds, in the order a schedule cycles through them. */
  enum Kind {
    /** A gateway killed with SIGKILL and started again on its data directory. */
    GATEWAY_KILL,
    /** The platform's MQTT broker stopped and started again on its data folder. */
    BROKER_RESTART,
    /** Kafka unreachable for the outage, then reachable again. */
    KAFKA_OUTAGE,
    /** AP 0 (gateway 1's serving AP) killed with SIGKILL mid-offload, started again. */
    AP_KILL,
    /** The last AP's process, and with it its chain node, killed with SIGKILL, started again. */
    CHAIN_NODE_KILL;

    String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static Kind parse(String label) {
      for (Kind k : values()) {
        if (k.label().equals(label)) {
          return k;
        }
      }
      throw new IllegalArgumentException(
          "fault kind must be one of "
              + java.util.Arrays.stream(values()).map(Kind::label).toList()
              + ", got "
              + label);
    }
  }

  /**
   * One injected fault.
   *
   * @param at seconds since the soak's load started
   * @param downSeconds how long the fault itself lasted
   * @param recoveredAfterSeconds from the fault's end until the platform was whole again (-1: it
   *     was not within the limit)
   */
  record Fault(
      String kind,
      String target,
      double at,
      double downSeconds,
      double recoveredAfterSeconds,
      String recovered) {}

  /** How long the platform may take to recover from one fault before the soak says it did not. */
  static final Duration RECOVERY_LIMIT = Duration.ofSeconds(300);

  private final Platform platform;
  private final KafkaBroker kafka;
  private final Duration brokerDown;
  private final Duration kafkaDown;
  private int gatewayKills;

  SoakFaults(Platform platform, KafkaBroker kafka, Duration brokerDown, Duration kafkaDown) {
    this.platform = platform;
    this.kafka = kafka;
    this.brokerDown = brokerDown;
    this.kafkaDown = kafkaDown;
  }

  /** Injects {@code kind} at {@code at} seconds and waits for recovery. */
  Fault inject(Kind kind, double at) throws IOException, InterruptedException {
    return switch (kind) {
      case GATEWAY_KILL -> {
        List<ServiceProcess> gws = platform.gatewayProcesses();
        ServiceProcess gw = gws.get(gatewayKills++ % gws.size());
        yield killAndRestart(kind, gw, at, "ready (MQTT connected)");
      }
      case AP_KILL -> killAndRestart(kind, platform.apProcesses().getFirst(), at, "ready");
      case CHAIN_NODE_KILL ->
          killAndRestart(kind, platform.apProcesses().getLast(), at, "ready (node running)");
      case BROKER_RESTART -> {
        MqttBroker broker =
            platform
                .broker()
                .orElseThrow(() -> new IllegalStateException("no embedded MQTT broker to restart"));
        long start = System.nanoTime();
        broker.restart(brokerDown);
        double down = seconds(start);
        long back = System.nanoTime();
        Map<String, Integer> ackedBefore = acked();
        boolean ok = awaitGateways("bdt_mqtt_connected", v -> v >= 1);
        double gateways = seconds(back);
        // the fleet is back once every device has a window acked by the new broker
        ok =
            ok
                && await(
                    () ->
                        acked().entrySet().stream()
                            .allMatch(e -> e.getValue() > ackedBefore.get(e.getKey())));
        double devices = seconds(back);
        yield new Fault(
            kind.label(),
            "mqtt",
            at,
            down,
            ok ? devices : -1,
            String.format(
                java.util.Locale.ROOT,
                "every device's window acked (every gateway connected after %.1f s)",
                gateways));
      }
      case KAFKA_OUTAGE -> {
        long start = System.nanoTime();
        kafka.cut();
        Thread.sleep(kafkaDown.toMillis());
        kafka.heal();
        double down = seconds(start);
        long back = System.nanoTime();
        // the backlog is 0 only once the outbox has delivered what the outage held
        Thread.sleep(1_000);
        boolean ok = awaitGateways("bdt_kafka_outbox_backlog", v -> v == 0);
        yield new Fault(
            kind.label(), "kafka", at, down, ok ? seconds(back) : -1, "every outbox delivered");
      }
    };
  }

  private static Fault killAndRestart(Kind kind, ServiceProcess p, double at, String recovered)
      throws IOException, InterruptedException {
    long start = System.nanoTime();
    p.kill();
    p.start();
    try {
      p.awaitReady("/q/health/ready", RECOVERY_LIMIT);
    } catch (IOException e) {
      return new Fault(kind.label(), p.name(), at, 0, -1, "not ready: " + e.getMessage());
    }
    return new Fault(kind.label(), p.name(), at, 0, seconds(start), recovered);
  }

  /** Per device: how many of its windows the broker has acked so far. */
  private Map<String, Integer> acked() {
    SensorFleet fleet = platform.fleet();
    Map<String, Integer> out = new java.util.HashMap<>();
    for (SensorFleet.Device d : fleet.devices()) {
      out.put(d.id(), fleet.acked(d.id()).size());
    }
    return out;
  }

  /** Waits until {@code metric} satisfies {@code ok} on every gateway; false at the limit. */
  private boolean awaitGateways(String metric, java.util.function.DoublePredicate ok)
      throws InterruptedException {
    return await(
        () -> {
          boolean all = true;
          for (ServiceProcess gw : platform.gatewayProcesses()) {
            double v = metric(gw, metric);
            all &= !Double.isNaN(v) && ok.test(v);
          }
          return all;
        });
  }

  /** A condition that may wait on the network. */
  @FunctionalInterface
  private interface Check {
    boolean holds() throws InterruptedException;
  }

  /** Polls {@code check} every 200 ms until it holds (true) or {@link #RECOVERY_LIMIT} (false). */
  private static boolean await(Check check) throws InterruptedException {
    long end = System.nanoTime() + RECOVERY_LIMIT.toNanos();
    while (System.nanoTime() < end) {
      if (check.holds()) {
        return true;
      }
      Thread.sleep(200);
    }
    return false;
  }

  /** The sum of {@code name}'s series in {@code service}'s {@code /q/metrics}, NaN if absent. */
  double metric(ServiceProcess service, String name) throws InterruptedException {
    try {
      HttpResponse<String> r =
          platform
              .http()
              .send(
                  HttpRequest.newBuilder(URI.create(service.baseUrl() + "/q/metrics"))
                      .header("Authorization", "Bearer " + platform.adminToken())
                      .timeout(Duration.ofSeconds(5))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        return Double.NaN;
      }
      double sum = Double.NaN;
      for (String line : r.body().split("\n")) {
        if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
          double v = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
          sum = Double.isNaN(sum) ? v : sum + v;
        }
      }
      return sum;
    } catch (IOException e) {
      return Double.NaN;
    }
  }

  private static double seconds(long since) {
    return Math.round((System.nanoTime() - since) / 1e7) / 100.0;
  }
}
