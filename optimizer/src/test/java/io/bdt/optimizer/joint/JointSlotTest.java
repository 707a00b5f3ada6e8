package io.bdt.optimizer.joint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bdt.optimizer.cost.CostTable;
import io.bdt.optimizer.dpra.AssociationPlan;
import io.bdt.optimizer.dpra.Dpra;
import io.bdt.optimizer.dpra.InRange;
import io.bdt.optimizer.dpra.RandomInstances;
import io.bdt.optimizer.dpra.SlotDecision;
import io.bdt.optimizer.dpra.SlotObservation;
import io.bdt.optimizer.dpra.SystemParameters;
import io.bdt.optimizer.model.SlotCost;
import io.bdt.optimizer.sim.Algorithms;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The coordinator's joint solve is the simulator's DPRA on the same observation. */
@Timeout(120)
class JointSlotTest {

  static List<GatewayDemand> demands(SlotObservation o) {
    List<GatewayDemand> out = new ArrayList<>();
    for (int n = 0; n < o.taskSamples().length; n++) {
      out.add(
          new GatewayDemand(
              "gw" + n,
              o.taskSamples()[n],
              o.models().get(n),
              o.servingAp()[n],
              o.uplinkRate()[n],
              o.gatewayFlopsPerSecond()[n]));
    }
    return out;
  }

  static List<ApState> aps(SlotObservation o) {
    List<ApState> out = new ArrayList<>();
    for (int m = 0; m < o.apBudget().length; m++) {
      out.add(new ApState(o.apBudget()[m], o.reputation()[m], o.virtualQueue()[m]));
    }
    return out;
  }

  @Test
  void decidesEverySlotOfARunAsTheSimulatorsDpra() {
    SplittableRandom random = new SplittableRandom(12);
    SystemParameters parameters = RandomInstances.instance(random, 8, 3, 3, 8).parameters();
    JointSlot joint = new JointSlot(parameters);
    var simulator = Algorithms.dpra(parameters); // what SlotSimulator runs as "DPRA"
    for (int t = 0; t < 30; t++) {
      SlotObservation o = RandomInstances.instance(random, 8, 3, 3, 8).observation();
      SlotDecision expected = simulator.decide(o);
      JointSlot.JointDecision got = joint.decide(demands(o), aps(o));
      assertThat(got.decision().cut()).as("slot %d cuts", t).containsExactly(expected.cut());
      assertThat(got.decision().inferenceShare())
          .as("slot %d inference shares", t)
          .containsExactly(expected.inferenceShare());
      assertThat(got.decision().miningShare())
          .as("slot %d mining shares", t)
          .containsExactly(expected.miningShare());
      for (int n = 0; n < 8; n++) {
        GatewayAssignment a = got.assignments().get(n);
        assertThat(a.gateway()).isEqualTo("gw" + n);
        assertThat(a.cut()).isEqualTo(expected.cut()[n]);
        assertThat(a.miningShare()).isEqualTo(expected.miningShare()[o.servingAp()[n]]);
        assertThat(a.gateways()).isEqualTo(8);
        double d = SlotCost.gatewayLatency(o, parameters, n, a.cut(), a.inferenceShare());
        assertThat(a.predictedSecondsPerSample())
            .isEqualTo(o.taskSamples()[n] == 0 ? 0 : d / o.taskSamples()[n]);
      }
    }
  }

  @Test
  void separateOneGatewaySolvesPromiseAnApMoreThanItsBudgetWhereTheJointSolveDoesNot() {
    // why the coordinator: N = 1 controllers each plan as if they had the AP to themselves
    SplittableRandom random = new SplittableRandom(5);
    int overPromised = 0;
    for (int i = 0; i < 20; i++) {
      RandomInstances.Instance inst = RandomInstances.instance(random, 6, 1, 4, 8);
      SlotObservation o = inst.observation();
      SlotDecision joint = new JointSlot(inst.parameters()).decide(demands(o), aps(o)).decision();
      double jointShares = joint.miningShare()[0];
      for (double f : joint.inferenceShare()) {
        jointShares += f;
      }
      assertThat(jointShares).isLessThanOrEqualTo(o.apBudget()[0] * (1 + 1e-9));
      double separateShares = 0;
      for (int n = 0; n < 6; n++) {
        SlotObservation alone =
            new SlotObservation(
                new int[] {o.taskSamples()[n]},
                List.of(o.models().get(n)),
                new int[] {0},
                new double[] {o.uplinkRate()[n]},
                new double[] {o.gatewayFlopsPerSecond()[n]},
                o.apBudget(),
                o.reputation(),
                o.virtualQueue());
        separateShares += new Dpra(inst.parameters()).decide(alone).inferenceShare()[0];
      }
      overPromised += separateShares > o.apBudget()[0] * (1 + 1e-6) ? 1 : 0;
    }
    assertThat(overPromised).isPositive();
  }

  @Test
  void rejectsTwoDemandsOfOneGatewayByName() {
    SlotObservation o = RandomInstances.instance(new SplittableRandom(3), 2, 1, 3, 4).observation();
    List<GatewayDemand> d = new ArrayList<>(demands(o));
    d.set(1, d.get(0));
    assertThatThrownBy(() -> JointSlot.observation(d, aps(o)))
        .hasMessageContaining("gateway gw0: two demands in one slot");
  }

  @Test
  void rejectsADemandForAnApOutsideTheSlotByName() {
    SlotObservation o = RandomInstances.instance(new SplittableRandom(3), 2, 1, 3, 4).observation();
    List<GatewayDemand> d = new ArrayList<>(demands(o));
    GatewayDemand g = d.get(1);
    d.set(
        1,
        new GatewayDemand(
            g.gateway(), g.samples(), g.model(), 4, g.uplinkRate(), g.gatewayFlopsPerSecond()));
    assertThatThrownBy(() -> JointSlot.observation(d, aps(o)))
        .hasMessageContaining("gateway gw1: servingAp 4 is not one of the 1 APs");
  }

  @Test
  void withSeveralApsInRangeDecidesTheAssociationAsDpraAndNamesTheChosenAp() {
    SplittableRandom random = new SplittableRandom(21);
    SystemParameters parameters = RandomInstances.instance(random, 6, 3, 3, 6).parameters();
    JointSlot joint = new JointSlot(parameters);
    Dpra reference = new Dpra(parameters);
    int moved = 0;
    for (int t = 0; t < 20; t++) {
      SlotObservation o = RandomInstances.instance(random, 6, 3, 3, 6).observation();
      InRange inRange = RandomInstances.inRange(random, o, 0.7);
      List<GatewayDemand> demands = new ArrayList<>();
      for (int n = 0; n < 6; n++) {
        List<GatewayDemand.ApLink> links = new ArrayList<>();
        for (int j = 0; j < inRange.accessPoints()[n].length; j++) {
          links.add(
              new GatewayDemand.ApLink(inRange.accessPoints()[n][j], inRange.uplinkRate()[n][j]));
        }
        demands.add(
            GatewayDemand.inRange(
                "gw" + n,
                o.taskSamples()[n],
                o.models().get(n),
                o.gatewayFlopsPerSecond()[n],
                links));
      }
      AssociationPlan expected = reference.decide(o, inRange);
      JointSlot.JointDecision got = joint.decide(demands, aps(o));
      assertThat(got.decision().cut()).containsExactly(expected.decision().cut());
      assertThat(got.decision().inferenceShare())
          .containsExactly(expected.decision().inferenceShare());
      for (int n = 0; n < 6; n++) {
        GatewayAssignment a = got.assignments().get(n);
        assertThat(a.servingAp()).isEqualTo(expected.servingAp()[n]);
        assertThat(inRange.accessPoints()[n]).contains(a.servingAp());
        assertThat(a.miningShare()).isEqualTo(expected.decision().miningShare()[a.servingAp()]);
        moved += a.servingAp() != o.servingAp()[n] ? 1 : 0;
      }
    }
    assertThat(moved).as("assignments to an AP other than the first in range").isPositive();
  }

  @Test
  void rejectsADemandWhoseServingApIsNotInRange() {
    CostTable model = RandomInstances.costTable(new SplittableRandom(4), "m", 4);
    assertThatThrownBy(
            () ->
                new GatewayDemand(
                    "gw0", 1, model, 2, 1e7, 1e10, List.of(new GatewayDemand.ApLink(1, 1e7))))
        .hasMessageContaining("inRange: gateway gw0 must list its servingAp 2");
    assertThatThrownBy(() -> GatewayDemand.inRange("gw0", 1, model, 1e10, List.of()))
        .hasMessageContaining("gateway gw0 must have at least one AP in range");
  }

  @Test
  void theSingleApConstructorPutsTheServingApAloneInRange() {
    CostTable model = RandomInstances.costTable(new SplittableRandom(4), "m", 4);
    GatewayDemand d = new GatewayDemand("gw0", 1, model, 2, 3e7, 1e10);
    assertThat(d.inRange()).containsExactly(new GatewayDemand.ApLink(2, 3e7));
  }
}
