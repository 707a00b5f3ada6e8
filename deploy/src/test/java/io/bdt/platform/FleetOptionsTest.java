package io.bdt.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** The fleet options each command mixes in keep that command's own defaults. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FleetOptionsTest {

  private static FleetOptions parsed(Object command, String... args) {
    new CommandLine(command).parseArgs(args);
    return switch (command) {
      case PlatformCommand c -> c.fleetOptions;
      case ReproduceCommand c -> c.fleetOptions;
      case SoakCommand c -> c.fleetOptions;
      default -> throw new IllegalArgumentException(command.toString());
    };
  }

  private static String fleet(FleetOptions o) {
    return o.aps
        + " APs, "
        + o.gateways
        + " gateways, "
        + o.devices
        + " sensors, "
        + o.periodMillis;
  }

  @Test
  void reproduceRunsThePlatformsDefaultFleetTheMixedOne() {
    assertThat(fleet(parsed(new PlatformCommand())))
        .isEqualTo("3 APs, 3 gateways, 6 sensors, 1000");
    assertThat(fleet(parsed(new ReproduceCommand(), "--out", "x")))
        .isEqualTo("3 APs, 3 gateways, 6 sensors, 1000");
    PlatformCommand platform = new PlatformCommand();
    ReproduceCommand reproduce = new ReproduceCommand();
    new CommandLine(platform).parseArgs();
    new CommandLine(reproduce).parseArgs("--out", "x");
    assertThat(reproduce.fleet.layout(3)).isEqualTo(platform.fleet.layout(3));
    assertThat(reproduce.fleet.layout(3)).isEqualTo(FleetLayout.mixed(3));
    new CommandLine(reproduce).parseArgs("--out", "x", "--fleet", "vibration");
    assertThat(reproduce.fleet.layout(2)).isEqualTo(FleetLayout.vibration(2));
  }

  @Test
  void soakDefaultsToTwoApsTwoGatewaysFourSensors() {
    assertThat(fleet(parsed(new SoakCommand(), "--duration", "1", "--out", "x")))
        .isEqualTo("2 APs, 2 gateways, 4 sensors, 1000");
  }

  @Test
  void eachCommandTakesTheSharedOptions() {
    String[] fleet = {"--aps", "4", "--gateways", "5", "--devices", "7", "--period-ms", "250"};
    assertThat(fleet(parsed(new PlatformCommand(), fleet)))
        .isEqualTo("4 APs, 5 gateways, 7 sensors, 250");
    assertThat(fleet(parsed(new SoakCommand(), concat(fleet, "--duration", "1", "--out", "x"))))
        .isEqualTo("4 APs, 5 gateways, 7 sensors, 250");
    assertThat(fleet(parsed(new ReproduceCommand(), concat(fleet, "--out", "x"))))
        .isEqualTo("4 APs, 5 gateways, 7 sensors, 250");
  }

  @Test
  void helpShowsEachCommandsOwnDefault() {
    assertThat(new CommandLine(new SoakCommand()).getUsageMessage())
        .contains("access points (2)")
        .contains("sensors in the fleet (4)");
    assertThat(new CommandLine(new PlatformCommand()).getUsageMessage())
        .contains("access points (3)")
        .contains("sensors in the fleet (6)")
        .contains("ms between a sensor's windows (1000)");
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
