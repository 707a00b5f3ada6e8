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
  void decidesWithTheNamedBaselineAsTheSimulatorRunsIt() {
    SplittableRandom random = new SplittableRandom(5);
    SystemParameters parameters = RandomInstances.instance(random, 6, 3, 3, 8).parameters();
    for (String name : Algorithms.NAMES) {
      JointSlot joint = new JointSlot(parameters, Algorithms.named(name, parameters, 7));
      var simulator = Algorithms.named(name, parameters, 7);
      assertThat(joint.policyName()).isEqualTo(name);
      SplittableRandom slots = new SplittableRandom(9);
      for (int t = 0; t < 10; t++) {
        SlotObservation o = RandomInstances.instance(slots, 6, 3, 3, 8).observation();
        SlotDecision expected = simulator.decide(o);
        SlotDecision got = joint.decide(demands(o), aps(o)).decision();
        assertThat(got.cut()).as("%s slot %d cuts", name, t).containsExactly(expected.cut());
        assertThat(got.miningShare())
            .as("%s slot %d mining shares", name, t)
            .containsExactly(expected.miningShare());
      }
    }
  }

  @Test
  void localOnlyByNameRunsEveryTaskLocallyAndMinesWithEveryBudget() {
    SplittableRandom random = new SplittableRandom(6);
    RandomInstances.Instance inst = RandomInstances.instance(random, 5, 2, 3, 8);
    SlotObservation o = inst.observation();
    SystemParameters parameters = inst.parameters();
    SlotDecision d =
        new JointSlot(parameters, Algorithms.named("LOCAL_ONLY", parameters, 1))
            .decide(demands(o), aps(o))
            .decision();
    for (int n = 0; n < 5; n++) {
      assertThat(d.cut()[n]).isEqualTo(o.models().get(n).fullyLocalCut());
    }
    assertThat(d.miningShare()).containsExactly(o.apBudget());
  }

  @Test
  void refusesAnUnknownPolicyNameNamingTheValidOnes() {
    SystemParameters parameters =
        RandomInstances.instance(new SplittableRandom(1), 2, 1, 2, 4).parameters();
    assertThatThrownBy(() -> Algorithms.named("BEST", parameters, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("BEST")
        .hasMessageContaining("DPRA, LOCAL_ONLY, FULL_OFFLOAD");
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
  void measuredFixedCostsEnterTheObservationAndTheSolveIsTheSimulatorsOnIt() {
    SplittableRandom random = new SplittableRandom(21);
    SystemParameters parameters = RandomInstances.instance(random, 6, 2, 3, 8).parameters();
    JointSlot joint = new JointSlot(parameters);
    var simulator = Algorithms.dpra(parameters);
    for (int t = 0; t < 20; t++) {
      SlotObservation plain = RandomInstances.instance(random, 6, 2, 3, 8).observation();
      double[] headRun = new double[6];
      double[] offload = new double[6];
      List<GatewayDemand> demands = new ArrayList<>();
      List<GatewayDemand> withoutCosts = demands(plain);
      for (int n = 0; n < 6; n++) {
        headRun[n] = random.nextDouble() * 1e-3;
        offload[n] = random.nextDouble() * (n % 2 == 0 ? 1e-3 : 5.0);
        demands.add(
            withoutCosts
                .get(n)
                .withFixedCosts(new GatewayDemand.FixedCosts(headRun[n], offload[n])));
      }
      SlotObservation o =
          new SlotObservation(
              plain.taskSamples(),
              plain.models(),
              plain.servingAp(),
              plain.uplinkRate(),
              plain.gatewayFlopsPerSecond(),
              plain.apBudget(),
              plain.reputation(),
              plain.virtualQueue(),
              headRun,
              offload);
      assertThat(JointSlot.observation(demands, aps(plain)).offloadSeconds())
          .containsExactly(offload);
      SlotDecision expected = simulator.decide(o);
      JointSlot.JointDecision got = joint.decide(demands, aps(plain));
      assertThat(got.decision().cut()).as("slot %d cuts", t).containsExactly(expected.cut());
      for (int n = 0; n < 6; n++) {
        GatewayAssignment a = got.assignments().get(n);
        double d = SlotCost.gatewayLatency(o, parameters, n, a.cut(), a.inferenceShare());
        assertThat(a.predictedSecondsPerSample())
            .isEqualTo(o.taskSamples()[n] == 0 ? 0 : d / o.taskSamples()[n]);
        if (o.taskSamples()[n] > 0) {
          // the fixed cost of a head run is paid at every cut
          assertThat(a.predictedSecondsPerSample()).isGreaterThanOrEqualTo(headRun[n]);
        }
      }
    }
  }

  @Test
  void anOffloadCostAboveTheWholeModelsLocalTimeKeepsTheTaskLocal() {
    SplittableRandom random = new SplittableRandom(5);
    SystemParameters parameters = RandomInstances.instance(random, 1, 1, 3, 8).parameters();
    SlotObservation o = RandomInstances.instance(random, 1, 1, 3, 8).observation();
    CostTable table = o.models().get(0);
    int local = table.fullyLocalCut();
    double localSeconds = table.cut(local).headFlops() / o.gatewayFlopsPerSecond()[0];
    GatewayDemand demand =
        new GatewayDemand("gw0", 1, table, 0, o.uplinkRate()[0], o.gatewayFlopsPerSecond()[0])
            .withFixedCosts(new GatewayDemand.FixedCosts(0, localSeconds + 1));
    JointSlot.JointDecision got = new JointSlot(parameters).decide(List.of(demand), aps(o));
    assertThat(got.assignments().get(0).cut()).isEqualTo(local);
  }

  @Test
  void refusesANegativeFixedCostByName() {
    assertThatThrownBy(() -> new GatewayDemand.FixedCosts(-1e-3, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("headRunSeconds");
    assertThatThrownBy(() -> new GatewayDemand.FixedCosts(0, Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("offloadSeconds");
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
