package io.bdt.platform;

import picocli.CommandLine.Option;

/**
 * The options of the platform's size and load that {@code ./bdt platform}, {@code reproduce} and
 * {@code soak} share (a picocli mixin): access points, gateways, sensors and the sensors' window
 * period. Each command states its own defaults by the instance it mixes in.
 */
final class FleetOptions {

  @Option(names = "--aps", description = "access points (${DEFAULT-VALUE})")
  int aps;

  @Option(names = "--gateways", description = "gateways (${DEFAULT-VALUE})")
  int gateways;

  @Option(names = "--devices", description = "sensors in the fleet (${DEFAULT-VALUE})")
  int devices;

  @Option(names = "--period-ms", description = "ms between a sensor's windows (${DEFAULT-VALUE})")
  long periodMillis = 1000;

  /**
   * The defaults of {@code ./bdt platform}, which {@code ./bdt reproduce --live} runs too: 3 APs, 3
   * gateways (one per device class and compute class of the mixed fleet), 6 sensors.
   */
  static FleetOptions platform() {
    return new FleetOptions(3, 3, 6);
  }

  /**
   * Defaults of {@code aps} APs, {@code gateways} gateways, {@code devices} sensors, 1 s windows.
   */
  FleetOptions(int aps, int gateways, int devices) {
    this.aps = aps;
    this.gateways = gateways;
    this.devices = devices;
  }
}
