package io.bdt.platform;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./bdt soak}: the platform under load and a schedule of faults; what was lost. */
@Command(
    name = "soak",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the whole platform (APs with their chain nodes, gateways, the embedded MQTT broker,"
          + " an embedded Kafka, the sensor fleet publishing numbered windows at QoS 1) under a"
          + " schedule of faults: a gateway killed with SIGKILL, the MQTT broker restarted, Kafka"
          + " unreachable, an AP killed mid-offload, a chain node killed. Prints progress; at the"
          + " end counts what was lost, and each gateway's anchors on chain, and writes"
          + " DIR/soak-report.json and DIR/soak.html.",
      "Exit status 0 when nothing was lost, every anchor is on chain exactly once and every fault"
          + " recovered, 1 otherwise."
    })
public final class SoakCommand implements Callable<Integer> {

  @Option(names = "--duration", required = true, description = "seconds of load")
  long duration;

  @Option(names = "--out", required = true, description = "directory for the report and the run")
  Path out;

  @Option(
      names = "--faults",
      split = ",",
      defaultValue = "gateway-kill,broker-restart,kafka-outage,ap-kill,chain-node-kill",
      description =
          "the kinds, injected in this order, cycling (${DEFAULT-VALUE}); none: no faults")
  List<String> faults;

  @Option(
      names = "--warmup",
      defaultValue = "30",
      description = "seconds of load before the first fault (${DEFAULT-VALUE})")
  long warmup;

  @Option(
      names = "--every",
      defaultValue = "120",
      description = "seconds between the starts of two faults (${DEFAULT-VALUE})")
  long every;

  @Option(
      names = "--quiet",
      defaultValue = "60",
      description = "seconds at the end without a new fault (${DEFAULT-VALUE})")
  long quiet;

  @Option(
      names = "--broker-down",
      defaultValue = "2",
      description = "seconds the MQTT broker stays down on a restart (${DEFAULT-VALUE})")
  long brokerDown;

  @Option(
      names = "--kafka-down",
      defaultValue = "60",
      description = "seconds Kafka is unreachable in an outage (${DEFAULT-VALUE})")
  long kafkaDown;

  @Mixin FleetOptions fleetOptions = new FleetOptions(2, 2, 4);

  @Option(
      names = "--device-reconnect-max-s",
      defaultValue = "" + SensorFleet.RECONNECT_MAX_DELAY_SECONDS,
      description =
          "longest wait, seconds, between a sensor's reconnect attempts after it lost the broker"
              + " (first after 1 s, doubling; ${DEFAULT-VALUE}; Paho's own default is 128)")
  int deviceReconnectMax;

  @Option(
      names = "--progress-s",
      defaultValue = "10",
      description = "seconds between progress lines (${DEFAULT-VALUE})")
  long progressSeconds;

  @Override
  public Integer call() throws Exception {
    List<SoakFaults.Kind> kinds = new ArrayList<>();
    try {
      for (String f : faults) {
        if (!f.equals("none")) {
          kinds.add(SoakFaults.Kind.parse(f.strip()));
        }
      }
    } catch (IllegalArgumentException e) {
      System.err.println("soak: --faults: " + e.getMessage());
      return 2;
    }
    if (duration < 1
        || fleetOptions.aps < 2
        || fleetOptions.gateways < 1
        || fleetOptions.devices < 1
        || deviceReconnectMax < 1) {
      System.err.println(
          "soak: --duration must be >= 1, --aps >= 2 (an AP and a chain node are killed),"
              + " --gateways, --devices and --device-reconnect-max-s >= 1");
      return 2;
    }
    Soak soak =
        new Soak(
            new Soak.Settings(
                PlatformCommand.repositoryRoot(),
                out.toAbsolutePath(),
                Duration.ofSeconds(duration),
                kinds,
                Duration.ofSeconds(warmup),
                Duration.ofSeconds(every),
                Duration.ofSeconds(quiet),
                Duration.ofSeconds(brokerDown),
                Duration.ofSeconds(kafkaDown),
                fleetOptions.aps,
                fleetOptions.gateways,
                fleetOptions.devices,
                fleetOptions.periodMillis,
                deviceReconnectMax,
                Duration.ofSeconds(progressSeconds)),
            System.out);
    SoakReport report = soak.run();
    System.out.println(report.summary());
    System.out.println(
        "soak: report " + out.resolve("soak-report.json") + ", chart " + out.resolve("soak.html"));
    boolean recovered = report.faults().stream().allMatch(f -> f.recoveredAfterSeconds() >= 0);
    return report.lossless() && recovered ? 0 : 1;
  }
}
