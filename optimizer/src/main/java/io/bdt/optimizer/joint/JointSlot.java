package io.bdt.optimizer.joint;

import io.bdt.optimizer.cost.CostTable;
import io.bdt.optimizer.dpra.AssociationPlan;
import io.bdt.optimizer.dpra.AssociationPolicy;
import io.bdt.optimizer.dpra.Dpra;
import io.bdt.optimizer.dpra.InRange;
import io.bdt.optimizer.dpra.Policy;
import io.bdt.optimizer.dpra.SlotDecision;
import io.bdt.optimizer.dpra.SlotObservation;
import io.bdt.optimizer.dpra.SystemParameters;
import io.bdt.optimizer.model.SlotCost;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One DPRA solve per slot over every gateway that reported and every AP: the slot coordinator's
 * decision. The demands and AP states become one {@link SlotObservation} (gateways in the order
 * given), which one long-lived {@link Dpra} decides exactly as the simulator's DPRA does, so the
 * learnt reputation value is the whole system's, not one gateway's. When a demand lists more than
 * one AP in range, the same solve also chooses every gateway's serving AP ({@link
 * Dpra#decide(SlotObservation, InRange)}); the assignments then name the chosen AP.
 *
 * <p>The policy is DPRA unless another is given: {@code ./bdt reproduce --live} runs the same
 * coordinator with each baseline of the simulator ({@code Algorithms.named}). A policy that does
 * not choose associations keeps every gateway's current serving AP.
 */
public final class JointSlot {

  private final SystemParameters parameters;
  private final Policy policy;

  /** A coordinator's DPRA for the given constants (the chain's, with its {@code V}). */
  public JointSlot(SystemParameters parameters) {
    this(parameters, new Dpra(parameters));
  }

  /**
   * A coordinator that decides with {@code policy} (long-lived: it may keep state across slots),
   * scoring its decisions with {@code parameters}.
   */
  public JointSlot(SystemParameters parameters, Policy policy) {
    this.parameters = parameters;
    this.policy = policy;
  }

  /** The name of the policy it decides with, e.g. {@code DPRA}. */
  public String policyName() {
    return policy.name();
  }

  /** The constants it decides with. */
  public SystemParameters parameters() {
    return parameters;
  }

  /**
   * The observation of a slot: gateway {@code n} is {@code demands.get(n)}, AP {@code m} is {@code
   * aps.get(m)}.
   *
   * @throws IllegalArgumentException naming the gateway when two demands have the same gateway or
   *     one names an AP index outside {@code aps}
   */
  public static SlotObservation observation(List<GatewayDemand> demands, List<ApState> aps) {
    int n = demands.size();
    int m = aps.size();
    int[] samples = new int[n];
    List<CostTable> models = new ArrayList<>(n);
    int[] serving = new int[n];
    double[] rate = new double[n];
    double[] flops = new double[n];
    double[] headRun = new double[n];
    double[] offload = new double[n];
    double[][] apSpeed = new double[n][m];
    Set<String> seen = new HashSet<>();
    for (int g = 0; g < n; g++) {
      GatewayDemand d = demands.get(g);
      if (!seen.add(d.gateway())) {
        throw new IllegalArgumentException("gateway " + d.gateway() + ": two demands in one slot");
      }
      for (GatewayDemand.ApLink link : d.inRange()) {
        if (link.ap() >= m) {
          throw new IllegalArgumentException(
              "gateway "
                  + d.gateway()
                  + (link.ap() == d.servingAp() ? ": servingAp " : ": AP in range ")
                  + link.ap()
                  + " is not one of the "
                  + m
                  + " APs");
        }
        apSpeed[g][link.ap()] = link.apFlopsPerCycle();
      }
      samples[g] = d.samples();
      models.add(d.model());
      serving[g] = d.servingAp();
      rate[g] = d.uplinkRate();
      flops[g] = d.gatewayFlopsPerSecond();
      headRun[g] = d.fixedCosts().headRunSeconds();
      offload[g] = d.fixedCosts().offloadSeconds();
    }
    double[] budget = new double[m];
    double[] reputation = new double[m];
    double[] queue = new double[m];
    for (int a = 0; a < m; a++) {
      budget[a] = aps.get(a).budget();
      reputation[a] = Math.min(1, Math.max(0, aps.get(a).reputation()));
      queue[a] = Math.max(0, aps.get(a).virtualQueue());
    }
    return new SlotObservation(
        samples,
        models,
        serving,
        rate,
        flops,
        budget,
        reputation,
        queue,
        headRun,
        offload,
        apSpeed);
  }

  /** {@code M_n} of every demand, in the order of the demands. */
  public static InRange inRange(List<GatewayDemand> demands) {
    int[][] aps = new int[demands.size()][];
    double[][] rates = new double[demands.size()][];
    for (int g = 0; g < aps.length; g++) {
      List<GatewayDemand.ApLink> links = demands.get(g).inRange();
      aps[g] = links.stream().mapToInt(GatewayDemand.ApLink::ap).toArray();
      rates[g] = links.stream().mapToDouble(GatewayDemand.ApLink::uplinkRate).toArray();
    }
    return new InRange(aps, rates);
  }

  /**
   * The joint decision of one slot.
   *
   * @param decision every gateway's cut and share and every AP's mining share
   * @param assignments per gateway, in the order of the demands
   */
  public record JointDecision(SlotDecision decision, List<GatewayAssignment> assignments) {}

  /** Decides the slot for every demand at once ({@code demands} must not be empty). */
  public synchronized JointDecision decide(List<GatewayDemand> demands, List<ApState> aps) {
    if (demands.isEmpty()) {
      throw new IllegalArgumentException("demands: a slot needs at least one gateway");
    }
    SlotObservation observation = observation(demands, aps);
    InRange inRange = inRange(demands);
    SlotDecision decision;
    if (inRange.hasChoice() && policy instanceof AssociationPolicy associating) {
      AssociationPlan plan = associating.decide(observation, inRange);
      observation = plan.observation();
      decision = plan.decision();
    } else {
      decision = policy.decide(observation);
    }
    List<GatewayAssignment> out = new ArrayList<>(demands.size());
    for (int g = 0; g < demands.size(); g++) {
      GatewayDemand d = demands.get(g);
      int cut = decision.cut()[g];
      double share = decision.inferenceShare()[g];
      int servingAp = observation.servingAp()[g];
      double latency = SlotCost.gatewayLatency(observation, parameters, g, cut, share);
      out.add(
          new GatewayAssignment(
              d.gateway(),
              cut,
              servingAp,
              share,
              decision.miningShare()[servingAp],
              d.samples() == 0 ? 0 : latency / d.samples(),
              demands.size()));
    }
    return new JointDecision(decision, List.copyOf(out));
  }
}
