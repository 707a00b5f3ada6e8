package io.bdt.platform;

import picocli.CommandLine.Option;

/**
 * The {@code --fleet} option that {@code ./bdt platform} and {@code ./bdt reproduce --live} share
 * (a picocli mixin), so the reproduction runs the fleet the platform runs by default: {@code mixed}
 * ({@link FleetLayout#mixed}) or {@code vibration} ({@link FleetLayout#vibration}).
 */
final class FleetChoice {

  /** The platform's default fleet. */
  static final String DEFAULT = "mixed";

  @Option(
      names = "--fleet",
      defaultValue = DEFAULT,
      description =
          "mixed: gateway 1 hosts vibration sensors, the others cameras (MobileNetV2) of"
              + " alternating compute classes (1, 0.25 of this host); vibration: vibration"
              + " sensors only (${DEFAULT-VALUE})")
  String fleet = DEFAULT;

  /**
   * The layout of {@code gateways} gateways this choice names.
   *
   * @throws IllegalArgumentException naming the option when it is neither {@code mixed} nor {@code
   *     vibration}
   */
  FleetLayout layout(int gateways) {
    return switch (fleet) {
      case "mixed" -> FleetLayout.mixed(gateways);
      case "vibration" -> FleetLayout.vibration(gateways);
      default ->
          throw new IllegalArgumentException("--fleet must be mixed or vibration, got " + fleet);
    };
  }
}
