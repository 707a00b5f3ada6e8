package io.bdt.optimizer.bench;

import io.bdt.optimizer.dpra.RandomInstances;
import io.bdt.optimizer.dpra.SlotObservation;
import io.bdt.optimizer.dpra.SystemParameters;
import io.bdt.optimizer.joint.ApState;
import io.bdt.optimizer.joint.GatewayDemand;
import io.bdt.optimizer.joint.JointSlot;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The coordinator's joint per-slot decision ({@link JointSlot#decide}: demands and AP states to one
 * DPRA solve and the per-gateway assignments) at N = 1000 gateways, M = 100 APs. Each gateway runs
 * a CNN-shaped cost table of 18-22 cuts ({@link RandomInstances}) and has {@code apsInRange} APs in
 * range (1: the fixed association; 3: its own AP and two others at their own 2-200 Mbit/s rates,
 * the association decided). Each call takes the next of 16 pre-drawn slots (tasks, rates, queues,
 * reputations differ); one {@link JointSlot} decides them in turn, as a coordinator does.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
public class JointSlotBenchmark {

  private static final int SLOTS = 16;

  @Param({"1000x100"})
  public String size;

  @Param({"1", "3"})
  public int apsInRange;

  private final List<List<GatewayDemand>> demands = new ArrayList<>();
  private final List<List<ApState>> aps = new ArrayList<>();
  private JointSlot joint;
  private int next;

  @Setup
  public void setUp() {
    String[] parts = size.split("x");
    int n = Integer.parseInt(parts[0]);
    int m = Integer.parseInt(parts[1]);
    SplittableRandom random = new SplittableRandom(45);
    SystemParameters parameters = null;
    for (int i = 0; i < SLOTS; i++) {
      var instance = RandomInstances.instance(random, n, m, 18, 22);
      SlotObservation o = instance.observation();
      if (parameters == null) {
        parameters = instance.parameters();
      }
      double reach = (apsInRange - 1.0) / (m - 1);
      var inRange = RandomInstances.inRange(random, o, reach);
      List<GatewayDemand> slot = new ArrayList<>(n);
      for (int g = 0; g < n; g++) {
        List<GatewayDemand.ApLink> links = new ArrayList<>();
        for (int j = 0; j < inRange.accessPoints()[g].length; j++) {
          links.add(
              new GatewayDemand.ApLink(inRange.accessPoints()[g][j], inRange.uplinkRate()[g][j]));
        }
        slot.add(
            GatewayDemand.inRange(
                "gw" + g,
                o.taskSamples()[g],
                o.models().get(g),
                o.gatewayFlopsPerSecond()[g],
                links));
      }
      demands.add(slot);
      List<ApState> states = new ArrayList<>(m);
      for (int a = 0; a < m; a++) {
        states.add(new ApState(o.apBudget()[a], o.reputation()[a], o.virtualQueue()[a]));
      }
      aps.add(states);
    }
    joint = new JointSlot(parameters);
  }

  /** One slot of the coordinator: the joint decision for all gateways and APs. */
  @Benchmark
  public JointSlot.JointDecision decide() {
    int i = next;
    next = (next + 1) % SLOTS;
    return joint.decide(demands.get(i), aps.get(i));
  }
}
