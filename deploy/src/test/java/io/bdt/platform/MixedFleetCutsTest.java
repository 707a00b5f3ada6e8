package io.bdt.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.ap.chain.PlatformChain;
import io.bdt.gateway.inference.SplitHeads;
import io.bdt.gateway.inference.UplinkChannel;
import io.bdt.optimizer.dpra.SystemParameters;
import io.bdt.optimizer.joint.ApState;
import io.bdt.optimizer.joint.GatewayAssignment;
import io.bdt.optimizer.joint.GatewayDemand;
import io.bdt.optimizer.joint.JointSlot;
import io.bdt.optimizer.model.Channel;
import io.bdt.optimizer.model.PathLoss;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default platform fleet ({@link FleetLayout#mixed}) as the slot coordinator sees it: the
 * models' cut tables from the dnn module's analysis of the ONNX models the gateways run, each
 * gateway's compute rate measured here (the whole model run on ONNX Runtime, times its compute
 * class), its uplink to every AP drawn per slot from the platform's channel and placement, and one
 * joint DPRA solve per slot on the platform's parameter set. A platform run takes minutes to start
 * on a busy 2-core machine, so the claim that the mixed fleet uses several cuts is checked here, on
 * the coordinator's decision, and by a real {@code ./bdt platform} run in docs/platform.md.
 */
class MixedFleetCutsTest {

  private static final int SLOTS = 40;

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void theMixedFleetUsesAtLeastThreeCutsOverTheSlotsOfAChangingChannel(@TempDir Path models)
      throws Exception {
    int aps = 3;
    FleetLayout layout = FleetLayout.mixed(3);
    List<SplitHeads> heads = new ArrayList<>();
    List<Double> flops = new ArrayList<>();
    List<UplinkChannel> channels = new ArrayList<>();
    try {
      for (int n = 0; n < layout.gateways().size(); n++) {
        FleetLayout.Gateway g = layout.gateways().get(n);
        SplitHeads h = SplitHeads.of(g.devices().model(), models, 1);
        heads.add(h);
        flops.add(measuredFlopsPerSecond(h) * g.computeScale());
        channels.add(
            new UplinkChannel(
                new Channel(PathLoss.urbanMacro(), 10e6, 0.2, Channel.dbmPerHzToWattsPerHz(-174)),
                GatewayPlacement.distancesMeters(n, aps).stream()
                    .mapToDouble(Double::doubleValue)
                    .toArray(),
                n + 1L));
      }
      JointSlot coordinator = new JointSlot(SystemParameters.live(PlatformChain.PARAMETERS));
      List<ApState> apStates = new ArrayList<>();
      for (int m = 0; m < aps; m++) {
        apStates.add(new ApState(PlatformChain.PARAMETERS.apBudgetHz(), 0.5, 0));
      }
      Map<String, Map<Integer, Integer>> cuts = new TreeMap<>();
      for (long t = 0; t < SLOTS; t++) {
        List<GatewayDemand> demands = new ArrayList<>();
        for (int n = 0; n < heads.size(); n++) {
          List<GatewayDemand.ApLink> links = new ArrayList<>();
          for (int m = 0; m < aps; m++) {
            int ap = (n + m) % aps; // the home AP first
            links.add(new GatewayDemand.ApLink(ap, channels.get(n).rate(t, ap)));
          }
          demands.add(
              GatewayDemand.inRange(
                  "gw" + (n + 1), 2, heads.get(n).costTable(), flops.get(n), links));
        }
        for (GatewayAssignment a : coordinator.decide(demands, apStates).assignments()) {
          cuts.computeIfAbsent(a.gateway(), k -> new TreeMap<>()).merge(a.cut(), 1, Integer::sum);
        }
      }
      System.out.println("cuts per gateway over " + SLOTS + " slots: " + cuts);
      System.out.println("measured gateway FLOP/s (with compute class): " + flops);
      // a cut is a point in a model: vibration's cut 11 and MobileNetV2's are different cuts
      java.util.Set<String> inUse = new java.util.TreeSet<>();
      for (int n = 0; n < heads.size(); n++) {
        String model = heads.get(n).modelName();
        cuts.getOrDefault("gw" + (n + 1), Map.of())
            .keySet()
            .forEach(k -> inUse.add(model + "@" + k));
      }
      assertThat(inUse).as("cuts in use per gateway: %s", cuts).hasSizeGreaterThanOrEqualTo(3);
    } finally {
      for (SplitHeads h : heads) {
        h.close();
      }
    }
  }

  /** The model's FLOPs over the median of 5 whole-model runs here, FLOP/s. */
  private static double measuredFlopsPerSecond(SplitHeads heads) throws Exception {
    float[] input = new float[heads.inputLength()];
    heads.warm();
    double[] seconds = new double[5];
    for (int i = 0; i < seconds.length; i++) {
      long start = System.nanoTime();
      heads.local(input);
      seconds[i] = (System.nanoTime() - start) / 1e9;
    }
    Arrays.sort(seconds);
    return heads.costTable().cut(0).tailFlops() / seconds[seconds.length / 2];
  }
}
