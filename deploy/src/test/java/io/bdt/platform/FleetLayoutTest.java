package io.bdt.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FleetLayoutTest {

  @Test
  void theMixedFleetPutsVibrationSensorsOnTheFirstGatewayAndCamerasOfAlternatingClassesOnTheRest() {
    FleetLayout layout = FleetLayout.mixed(3);

    List<SensorFleet.Device> devices = layout.devices(6, List.of("gw1", "gw2", "gw3"));

    assertThat(devices)
        .extracting(SensorFleet.Device::id)
        .containsExactly("vib-1", "cam-2", "cam-3", "vib-4", "cam-5", "cam-6");
    assertThat(devices)
        .extracting(SensorFleet.Device::gatewayId)
        .containsExactly("gw1", "gw2", "gw3", "gw1", "gw2", "gw3");
    assertThat(layout.gatewaySettings(0, 5e6))
        .containsEntry("bdt.gateway.inference.model", "vibration")
        .containsEntry("bdt.gateway.inference.gateway-flops-per-second", "5000000.0");
    assertThat(layout.gatewaySettings(1, 5e6))
        .containsEntry("bdt.gateway.inference.model", "mobilenetv2")
        .containsEntry("bdt.gateway.inference.compute-scale", "1.0");
    assertThat(layout.gatewaySettings(2, 5e6))
        .containsEntry("bdt.gateway.inference.compute-scale", "0.25")
        .containsEntry(
            "bdt.gateway.inference.gateway-flops-per-second",
            Double.toString(FleetLayout.CAMERA_GATEWAY_FLOPS * 0.25));
    assertThat(layout.models()).containsExactly("mobilenetv2", "vibration");
  }

  @Test
  void theVibrationFleetIsTheOldPlatformsOneClass() {
    FleetLayout layout = FleetLayout.vibration(2);

    assertThat(layout.devices(3, List.of("gw1", "gw2")))
        .extracting(SensorFleet.Device::id)
        .containsExactly("vib-1", "vib-2", "vib-3");
    assertThat(layout.models()).containsExactly("vibration");
  }

  @Test
  void aCameraTakesNoMachineFault() {
    SensorFleet fleet =
        new SensorFleet(
            "tcp://127.0.0.1:1",
            FleetLayout.mixed(2).devices(2, List.of("gw1", "gw2")),
            SensorFleet.SEED);
    fleet.inject("vib-1", "bearing_fault");
    assertThatThrownBy(() -> fleet.inject("cam-2", "bearing_fault"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cam-2 is a camera");
  }
}
