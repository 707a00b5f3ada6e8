package io.bdt.optimizer.scenario;

import io.bdt.optimizer.cost.BuiltinModels;
import io.bdt.optimizer.cost.CostTable;
import io.bdt.optimizer.cost.CostTableJson;
import io.bdt.optimizer.dpra.SlotObservation;
import io.bdt.optimizer.dpra.SystemParameters;
import io.bdt.optimizer.model.Channel;
import io.bdt.optimizer.model.PathLoss;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The slot-independent part of a scenario, as the controller and simulator need it: constants, each
 * gateway's cost table, serving AP, distance and compute rate, each AP's budget and initial
 * reputation, and the uplink channel. {@link #slots(long)} gives the seeded per-slot draws.
 *
 * <p>Arrays indexed by gateway have length {@code N}, arrays indexed by AP length {@code M}; APs
 * and gateways are 0-based. Distances are drawn from the scenario's seed, one independent stream
 * per gateway, so adding gateways does not move the existing ones.
 *
 * @param scenario the scenario this was built from
 * @param parameters the constants the controller plans with
 * @param models {@code c^head, c^tail, d}: cost table of the DNN each gateway runs
 * @param servingAp {@code m(n)}: AP serving gateway n (with {@link Association#DECIDED}, the
 *     nearest: the AP of policies that do not choose)
 * @param distanceMeters {@code dist_n}: distance from gateway n to its serving AP, m
 * @param inRange {@code M_n}: the APs gateway n can offload to, its serving AP first ({@code
 *     servingAp[n]} alone unless the association is {@link Association#DECIDED})
 * @param inRangeDistanceMeters distance from gateway n to each AP of {@code inRange[n]}, m
 * @param gatewayFlopsPerSecond {@code phi_G f_n^G}: gateway n's compute rate, FLOP/s
 * @param apBudget {@code F_m}: AP m's compute budget, cycles/s
 * @param initialReputation {@code R_m(0)}: AP m's reputation before slot 0
 * @param channel the uplink model every gateway uses (bandwidth, power, noise, path loss)
 */
public record Deployment(
    Scenario scenario,
    SystemParameters parameters,
    List<CostTable> models,
    int[] servingAp,
    double[] distanceMeters,
    int[][] inRange,
    double[][] inRangeDistanceMeters,
    double[] gatewayFlopsPerSecond,
    double[] apBudget,
    double[] initialReputation,
    Channel channel) {

  public Deployment {
    Objects.requireNonNull(scenario, "scenario");
    models = List.copyOf(models);
  }

  /**
   * Builds the deployment of {@code scenario}: loads each distinct model once (built-in by name,
   * else the cost-table file), places the gateways and associates them with APs.
   */
  public static Deployment of(Scenario scenario) {
    int n = scenario.gateways();
    int m = scenario.accessPoints();
    Map<String, CostTable> loaded = new HashMap<>();
    List<CostTable> models = new ArrayList<>(n);
    for (int gateway = 0; gateway < n; gateway++) {
      String entry = scenario.modelOf(gateway);
      models.add(loaded.computeIfAbsent(entry, Deployment::loadModel));
    }
    int[] servingAp = new int[n];
    double[] distance = new double[n];
    int[][] inRange = new int[n][];
    double[][] inRangeDistance = new double[n][];
    for (int gateway = 0; gateway < n; gateway++) {
      SplittableRandom placement =
          SlotSource.stream(scenario.seed(), SlotSource.PLACEMENT, gateway, 0);
      double width = scenario.maxDistanceMeters() - scenario.minDistanceMeters();
      switch (scenario.association()) {
        case ROUND_ROBIN -> {
          servingAp[gateway] = gateway % m;
          distance[gateway] = scenario.minDistanceMeters() + width * placement.nextDouble();
        }
        case NEAREST, DECIDED -> {
          double[] toAp = new double[m];
          distance[gateway] = Double.POSITIVE_INFINITY;
          for (int ap = 0; ap < m; ap++) {
            toAp[ap] = scenario.minDistanceMeters() + width * placement.nextDouble();
            if (toAp[ap] < distance[gateway]) {
              distance[gateway] = toAp[ap];
              servingAp[gateway] = ap;
            }
          }
          if (scenario.association() == Association.DECIDED) {
            int nearest = servingAp[gateway];
            // the nearest first, then the others in index order
            inRange[gateway] =
                IntStream.concat(
                        IntStream.of(nearest), IntStream.range(0, m).filter(ap -> ap != nearest))
                    .toArray();
            inRangeDistance[gateway] =
                Arrays.stream(inRange[gateway]).mapToDouble(ap -> toAp[ap]).toArray();
          }
        }
      }
      if (inRange[gateway] == null) {
        inRange[gateway] = new int[] {servingAp[gateway]};
        inRangeDistance[gateway] = new double[] {distance[gateway]};
      }
    }
    double[] gatewayRate = new double[n];
    Arrays.fill(gatewayRate, scenario.gatewayCpuHz() * scenario.gatewayFlopsPerCycle());
    double[] budget = new double[m];
    Arrays.fill(budget, scenario.apBudgetHz());
    double[] reputation = new double[m];
    Arrays.fill(reputation, scenario.initialReputation());
    SystemParameters parameters = scenario.systemParameters();
    Channel channel =
        new Channel(
            new PathLoss(scenario.pathLossInterceptDb(), scenario.pathLossSlopeDb()),
            scenario.bandwidthHz(),
            scenario.transmitPowerWatts(),
            Channel.dbmPerHzToWattsPerHz(scenario.noiseDensityDbmPerHz()));
    return new Deployment(
        scenario,
        parameters,
        models,
        servingAp,
        distance,
        inRange,
        inRangeDistance,
        gatewayRate,
        budget,
        reputation,
        channel);
  }

  /** {@code N}. */
  public int gateways() {
    return models.size();
  }

  /** {@code M}. */
  public int accessPoints() {
    return apBudget.length;
  }

  /** Whether some gateway has more than one AP in range (the controller chooses who serves). */
  public boolean decidesAssociation() {
    return Arrays.stream(inRange).anyMatch(aps -> aps.length > 1);
  }

  /** {@code A_m}: the gateways AP {@code ap} serves, ascending. */
  public int[] servedBy(int ap) {
    return IntStream.range(0, gateways()).filter(n -> servingAp[n] == ap).toArray();
  }

  /**
   * What a controller sees at the start of {@code slot}: this deployment's fixed part, the slot's
   * tasks and uplink rates, and the caller's AP state.
   *
   * @param reputation {@code R_m(t)} per AP
   * @param virtualQueue {@code Q_m(t)} per AP
   */
  public SlotObservation observe(SlotSource.Slot slot, double[] reputation, double[] virtualQueue) {
    return new SlotObservation(
        slot.taskSamples(),
        models,
        servingAp,
        slot.uplinkRate(),
        gatewayFlopsPerSecond,
        apBudget,
        reputation,
        virtualQueue);
  }

  /** The per-slot draws seeded by the scenario's own seed. */
  public SlotSource slots() {
    return slots(scenario.seed());
  }

  /** The per-slot draws seeded by {@code seed}: same seed, same slots. */
  public SlotSource slots(long seed) {
    return new SlotSource(this, seed);
  }

  private static CostTable loadModel(String entry) {
    return Scenario.isModelFile(entry)
        ? CostTableJson.read(Path.of(entry))
        : BuiltinModels.get(entry);
  }
}
