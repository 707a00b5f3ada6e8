package io.bdt.platform;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which device class each gateway hosts and its compute class (docs/platform.md, "Device classes
 * and compute classes"): device {@code i} goes to gateway {@code i mod N} and is of that gateway's
 * class. {@link #vibration} is every gateway a vibration gateway at the host's speed; {@link
 * #mixed} (the default of {@code ./bdt platform}) makes gateway 1 a vibration gateway and the
 * others camera gateways whose compute classes alternate between {@link #CAMERA_SCALES}, so that
 * DPRA faces models of 0.7 MFLOP and 0.62 GFLOP on gateways of different speeds over a channel that
 * changes every slot.
 *
 * @param gateways per gateway, in index order
 */
record FleetLayout(List<Gateway> gateways) {

  /**
   * One gateway's part.
   *
   * @param devices the class of device it hosts
   * @param computeScale its compute class as a fraction of the host's speed, in (0, 1]
   */
  record Gateway(DeviceClass devices, double computeScale) {}

  /** The compute classes of the camera gateways, in turn: the host's speed, a quarter of it. */
  static final double[] CAMERA_SCALES = {1.0, 0.25};

  /**
   * {@code phi_G f_n^G} a camera gateway of scale 1 starts planning with, FLOP/s: below what the
   * 2-core development machine runs MobileNetV2 at when idle (MixedFleetCutsTest measured 1.3e11:
   * 0.62 GFLOP in 4.8 ms on ONNX Runtime), for the platform's load; the gateway's own head runs
   * correct it as they come.
   */
  static final double CAMERA_GATEWAY_FLOPS = 5e10;

  FleetLayout {
    gateways = List.copyOf(gateways);
    if (gateways.isEmpty()) {
      throw new IllegalArgumentException("a fleet layout needs at least one gateway");
    }
  }

  /** Every one of {@code n} gateways hosts vibration sensors at the host's speed. */
  static FleetLayout vibration(int n) {
    List<Gateway> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new Gateway(DeviceClass.VIBRATION, 1));
    }
    return new FleetLayout(out);
  }

  /** Gateway 1 hosts vibration sensors, the others cameras of alternating compute classes. */
  static FleetLayout mixed(int n) {
    List<Gateway> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(
          i == 0
              ? new Gateway(DeviceClass.VIBRATION, 1)
              : new Gateway(DeviceClass.CAMERA, CAMERA_SCALES[(i - 1) % CAMERA_SCALES.length]));
    }
    return new FleetLayout(out);
  }

  /** The fleet's {@code count} devices over gateways {@code gatewayIds} (one per gateway here). */
  List<SensorFleet.Device> devices(int count, List<String> gatewayIds) {
    if (gatewayIds.size() != gateways.size()) {
      throw new IllegalArgumentException(
          "the layout has " + gateways.size() + " gateways, got ids " + gatewayIds);
    }
    List<SensorFleet.Device> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int n = i % gateways.size();
      DeviceClass type = gateways.get(n).devices();
      out.add(new SensorFleet.Device(type.idPrefix() + "-" + (i + 1), gatewayIds.get(n), type));
    }
    return out;
  }

  /**
   * Gateway {@code n}'s inference settings: its model, compute class and {@code phi_G f_n^G} (a
   * vibration gateway's is {@code vibrationFlops}, the platform's {@code --gateway-flops}).
   */
  Map<String, String> gatewaySettings(int n, double vibrationFlops) {
    Gateway g = gateways.get(n);
    double flops = gatewayFlops(n, vibrationFlops);
    return Map.of(
        "bdt.gateway.inference.model", g.devices().model(),
        "bdt.gateway.inference.compute-scale", Double.toString(g.computeScale()),
        "bdt.gateway.inference.gateway-flops-per-second", Double.toString(flops));
  }

  /**
   * Gateway {@code n}'s configured {@code phi_G f_n^G} before it measures its head runs, FLOP/s (a
   * vibration gateway's scales {@code vibrationFlops}).
   */
  double gatewayFlops(int n, double vibrationFlops) {
    Gateway g = gateways.get(n);
    return g.devices() == DeviceClass.VIBRATION
        ? vibrationFlops * g.computeScale()
        : CAMERA_GATEWAY_FLOPS * g.computeScale();
  }

  /** The models the APs must serve: every class in the layout, in class order. */
  List<String> models() {
    return gateways.stream().map(g -> g.devices().model()).distinct().sorted().toList();
  }
}
