package io.bdt.optimizer.dpra;

import io.bdt.optimizer.cost.CostTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Random slot instances at the scales of the default scenario, for property tests and benchmarks:
 * cost tables shaped like CNN profiles (head FLOPs rising, tail falling, bits large early and small
 * late), Rayleigh-like spread of uplink rates, random tasks (some gateways idle), budgets,
 * reputations and queues.
 */
public final class RandomInstances {

  private RandomInstances() {}

  /** A random slot: observation plus the parameters it is judged with. */
  public record Instance(SlotObservation observation, SystemParameters parameters) {}

  /**
   * A random instance with {@code gateways} gateways, {@code accessPoints} APs, and cost tables of
   * {@code minCuts..maxCuts} cuts each (including the fully local one).
   */
  public static Instance instance(
      SplittableRandom random, int gateways, int accessPoints, int minCuts, int maxCuts) {
    int[] samples = new int[gateways];
    List<CostTable> models = new ArrayList<>();
    int[] servingAp = new int[gateways];
    double[] rate = new double[gateways];
    double[] gatewayFlops = new double[gateways];
    for (int n = 0; n < gateways; n++) {
      samples[n] = random.nextDouble() < 0.15 ? 0 : 1 + random.nextInt(10);
      models.add(costTable(random, "m" + n, minCuts + random.nextInt(maxCuts - minCuts + 1)));
      // every AP serves someone when N >= M; the rest are assigned at random
      servingAp[n] = n < accessPoints ? n : random.nextInt(accessPoints);
      rate[n] = logUniform(random, 2e6, 2e8);
      gatewayFlops[n] = 8 * 1.5e9 * uniform(random, 0.5, 1.5);
    }
    double[] budget = new double[accessPoints];
    double[] reputation = new double[accessPoints];
    double[] queue = new double[accessPoints];
    for (int m = 0; m < accessPoints; m++) {
      budget[m] = 20e9 * uniform(random, 0.5, 1.5);
      reputation[m] = random.nextDouble();
      queue[m] = random.nextDouble() < 0.2 ? 0 : uniform(random, 0, 40);
    }
    // psi D_0 = 4 F: one AP mining its whole 20 GHz finds a block in about 4 s at R = 0
    SystemParameters parameters =
        new SystemParameters(
            logUniform(random, 0.2, 50), 16, 1000, 8e7 * uniform(random, 0.5, 2), 2, 0.1, 0.3, 0.2);
    SlotObservation observation =
        new SlotObservation(
            samples, models, servingAp, rate, gatewayFlops, budget, reputation, queue);
    return new Instance(observation, parameters);
  }

  /** A CNN-shaped cost table with {@code cuts} cut points ({@code cuts - 1} is fully local). */
  public static CostTable costTable(SplittableRandom random, String name, int cuts) {
    double total = logUniform(random, 2e8, 4e9);
    double inputBits = 224 * 224 * 3 * 8 * uniform(random, 0.5, 1.5);
    double[] fraction = new double[cuts];
    for (int k = 1; k < cuts - 1; k++) {
      fraction[k] = random.nextDouble();
    }
    Arrays.sort(fraction, 1, cuts - 1);
    fraction[cuts - 1] = 1;
    List<CostTable.Cut> list = new ArrayList<>();
    for (int k = 0; k < cuts; k++) {
      double head = total * fraction[k];
      double bits;
      if (k == 0) {
        bits = inputBits;
      } else if (k == cuts - 1) {
        bits = 0;
      } else {
        // early feature maps can outweigh the input; late ones shrink towards the logits
        double depth = (double) k / (cuts - 1);
        bits = inputBits * 4 * Math.exp(-7 * depth) * uniform(random, 0.3, 1.5);
      }
      list.add(new CostTable.Cut(k, "c" + k, head, k == cuts - 1 ? 0 : total - head, bits));
    }
    return new CostTable(name, inputBits, 8000, list);
  }

  static double uniform(SplittableRandom random, double low, double high) {
    return low + (high - low) * random.nextDouble();
  }

  static double logUniform(SplittableRandom random, double low, double high) {
    return Math.exp(uniform(random, Math.log(low), Math.log(high)));
  }

  /**
   * APs in range for {@code observation}'s gateways: each gateway's serving AP at its rate, plus
   * each other AP with probability {@code reach}, at its own log-uniform 2-200 Mbit/s rate.
   */
  public static InRange inRange(
      SplittableRandom random, SlotObservation observation, double reach) {
    int n = observation.gateways();
    int[][] aps = new int[n][];
    double[][] rates = new double[n][];
    for (int g = 0; g < n; g++) {
      int[] list = new int[observation.accessPoints()];
      double[] rate = new double[observation.accessPoints()];
      list[0] = observation.servingAp()[g];
      rate[0] = observation.uplinkRate()[g];
      int size = 1;
      for (int m = 0; m < observation.accessPoints(); m++) {
        if (m != list[0] && random.nextDouble() < reach) {
          list[size] = m;
          rate[size] = logUniform(random, 2e6, 2e8);
          size++;
        }
      }
      aps[g] = Arrays.copyOf(list, size);
      rates[g] = Arrays.copyOf(rate, size);
    }
    return new InRange(aps, rates);
  }

  /** A uniformly random cut per gateway. */
  public static int[] randomCuts(SplittableRandom random, SlotObservation observation) {
    int[] cut = new int[observation.gateways()];
    for (int n = 0; n < cut.length; n++) {
      cut[n] = random.nextInt(observation.models().get(n).cuts().size());
    }
    return cut;
  }

  /** The same slot with every gateway given a task (idle ones get 5 samples). */
  public static SlotObservation withAllTasks(SlotObservation o) {
    int[] samples = o.taskSamples().clone();
    for (int n = 0; n < samples.length; n++) {
      if (samples[n] == 0) {
        samples[n] = 5;
      }
    }
    return new SlotObservation(
        samples,
        o.models(),
        o.servingAp(),
        o.uplinkRate(),
        o.gatewayFlopsPerSecond(),
        o.apBudget(),
        o.reputation(),
        o.virtualQueue());
  }

  /** The same slot with gateway n served by AP {@code n mod M}. */
  public static SlotObservation roundRobin(SlotObservation o) {
    int[] ap = new int[o.gateways()];
    for (int n = 0; n < ap.length; n++) {
      ap[n] = n % o.accessPoints();
    }
    return new SlotObservation(
        o.taskSamples(),
        o.models(),
        ap,
        o.uplinkRate(),
        o.gatewayFlopsPerSecond(),
        o.apBudget(),
        o.reputation(),
        o.virtualQueue());
  }
}
