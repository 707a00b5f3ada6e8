package io.bdt.optimizer.dpra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bdt.optimizer.model.SlotCost;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** DPRA choosing each gateway's serving AP among those in range (the joint association). */
@Timeout(300)
class AssociationTest {

  /** The lowest plain objective over every association, each solved with its cuts enumerated. */
  static double bestFixedAssociation(
      SlotObservation o, InRange inRange, SystemParameters parameters) {
    int n = o.gateways();
    int[] index = new int[n];
    int[] ap = new int[n];
    double best = Double.POSITIVE_INFINITY;
    Dpra exhaustive = new Dpra(parameters, Long.MAX_VALUE, false, 0);
    while (true) {
      for (int g = 0; g < n; g++) {
        ap[g] = inRange.accessPoints()[g][index[g]];
      }
      best = Math.min(best, exhaustive.plan(inRange.resolve(o, ap)).objective());
      int g = 0;
      while (g < n && ++index[g] == inRange.accessPoints()[g].length) {
        index[g] = 0;
        g++;
      }
      if (g == n) {
        return best;
      }
    }
  }

  static double gap(double value, double optimum) {
    return (value - optimum) / Math.abs(optimum);
  }

  @Test
  void enumerationFindsTheBestOfEveryFixedAssociation() {
    SplittableRandom random = new SplittableRandom(71);
    double worst = 0;
    for (int i = 0; i < 150; i++) {
      int n = 1 + random.nextInt(3);
      int m = 2 + random.nextInt(2);
      var instance = RandomInstances.instance(random, n, m, 3, 6);
      SlotObservation o = instance.observation();
      InRange inRange = RandomInstances.inRange(random, o, 0.7);
      Dpra dpra = new Dpra(instance.parameters(), Long.MAX_VALUE, false, 0);
      AssociationPlan plan = dpra.plan(o, inRange);
      double optimum = bestFixedAssociation(o, inRange, instance.parameters());
      worst = Math.max(worst, Math.abs(gap(plan.plan().objective(), optimum)));
      assertThat(plan.plan().objective())
          .as("instance %d", i)
          .isCloseTo(optimum, org.assertj.core.data.Offset.offset(1e-9 * Math.abs(optimum)));
      SlotCost cost = SlotCost.evaluate(plan.observation(), instance.parameters(), plan.decision());
      assertThat(cost.objective())
          .isCloseTo(
              plan.plan().objective(),
              org.assertj.core.data.Offset.offset(1e-9 * Math.abs(optimum)));
    }
    System.out.printf(
        "association enumeration vs every fixed association: worst gap %.2e%n", worst);
  }

  @Test
  void mixedIntegerTierStaysWithinHalfAPercentOfExhaustiveSearch() {
    SplittableRandom random = new SplittableRandom(72);
    double worstMip = 0;
    double worstCoordination = 0;
    int mipBetter = 0;
    for (int i = 0; i < 60; i++) {
      int n = 4 + random.nextInt(4);
      int m = 2 + random.nextInt(2);
      var instance = RandomInstances.instance(random, n, m, 3, 6);
      SlotObservation o = RandomInstances.withAllTasks(instance.observation());
      InRange inRange = RandomInstances.inRange(random, o, 0.6);
      SystemParameters p = instance.parameters();
      double optimum = new Dpra(p, Long.MAX_VALUE, false, 0).plan(o, inRange).plan().objective();
      double mip = new Dpra(p, 0, false, 10_000).plan(o, inRange).plan().objective();
      double coordination = new Dpra(p, 0, false, 0).plan(o, inRange).plan().objective();
      worstMip = Math.max(worstMip, gap(mip, optimum));
      worstCoordination = Math.max(worstCoordination, gap(coordination, optimum));
      if (mip < coordination - 1e-12 * Math.abs(coordination)) {
        mipBetter++;
      }
      assertThat(gap(mip, optimum)).as("instance %d", i).isLessThan(5e-3);
      assertThat(mip).isLessThanOrEqualTo(coordination);
    }
    System.out.printf(
        "MIP tier worst gap %.2e, coordination alone %.2e, MIP better on %d of 60%n",
        worstMip, worstCoordination, mipBetter);
  }

  @Test
  void rejectsAnAssociationOutOfRange() {
    SplittableRandom random = new SplittableRandom(73);
    var instance = RandomInstances.instance(random, 2, 3, 3, 4);
    InRange fixed = InRange.fixed(instance.observation());
    int[] wrong = instance.observation().servingAp().clone();
    wrong[1] = (wrong[1] + 1) % 3;
    assertThatThrownBy(() -> fixed.resolve(instance.observation(), wrong))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("servingAp[1]")
        .hasMessageContaining("not in range of gateway 1");
  }
}
