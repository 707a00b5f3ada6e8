package io.bdt.gateway.inference;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bdt.gateway.GatewayConfig;
import io.bdt.optimizer.dpra.Dpra;
import io.bdt.optimizer.dpra.DpraController;
import io.bdt.optimizer.dpra.Policy;
import io.bdt.optimizer.dpra.SlotDecision;
import io.bdt.optimizer.dpra.SlotObservation;
import io.bdt.optimizer.dpra.SystemParameters;
import io.bdt.optimizer.joint.GatewayDemand;
import io.bdt.optimizer.model.SlotCost;
import io.bdt.optimizer.sim.Algorithms;
import io.bdt.parameters.ChainParameters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Decides this gateway's part of a slot: takes the slot's uplink rate to every AP (the channel
 * model's draw, which also sets the offload shaping, or the measured EWMA without a channel), posts
 * its demand with every AP in range to the slot coordinator (the APs in index order, the first that
 * answers), which chooses the serving AP, cut and share; when none answers in time, decides locally
 * ({@code N = 1}) from the APs' {@code /status} on its home AP, under the policy the APs'
 * coordinator reports (DPRA with its own controller, or the same baseline). Counts which in {@code
 * bdt_dpra_decisions_total{source}}.
 */
final class SlotPlanner {

  private static final Logger LOG = Logger.getLogger(SlotPlanner.class);

  private final GatewayConfig.Inference config;
  private final SplitHeads heads;
  private final ApClient aps;
  private final FixedCostEstimator uplink;
  private final ApSpeedEstimator apSpeed;
  private final ApSpeedPriors apSpeedPriors;
  private final Optional<UplinkChannel> channel;
  private final UplinkShaper shaper;
  private final ChainParameters chainParameters;
  private final SystemParameters parameters;
  private final DpraController controller;
  private final Counter coordinatorDecisions;
  private final Counter localDecisions;
  private final Counter fallbackShareCut;
  private final Counter fallbackLocal;
  private volatile boolean fellBack;

  /** The local fallback's baseline policies by name (RANDOM's seed: the simulator's default). */
  private final java.util.Map<String, Policy> baselines = new java.util.HashMap<>();

  private static final long BASELINE_SEED = 1;

  SlotPlanner(
      GatewayConfig.Inference config,
      SplitHeads heads,
      ApClient aps,
      FixedCostEstimator uplink,
      ApSpeedEstimator apSpeed,
      Optional<UplinkChannel> channel,
      UplinkShaper shaper,
      ChainParameters chainParameters,
      MeterRegistry registry) {
    this.config = config;
    this.heads = heads;
    this.aps = aps;
    this.uplink = uplink;
    this.apSpeed = apSpeed;
    int m = Math.max(1, config.aps().orElse(List.of()).size());
    this.apSpeedPriors = new ApSpeedPriors(aps, apSpeed, heads.costTable().model(), m);
    this.channel = channel;
    this.shaper = shaper;
    this.chainParameters = chainParameters;
    this.parameters = SystemParameters.of(chainParameters, config.v());
    this.controller = new DpraController(parameters, new double[m]);
    coordinatorDecisions =
        Counter.builder("bdt.dpra.decisions")
            .description("slots decided: by the slot coordinator's joint decision, or locally")
            .tag("source", "coordinator")
            .register(registry);
    localDecisions =
        Counter.builder("bdt.dpra.decisions")
            .description("slots decided: by the slot coordinator's joint decision, or locally")
            .tag("source", "local-fallback")
            .register(registry);
    fallbackShareCut = fallbackShareLimited(registry, "share-cut");
    fallbackLocal = fallbackShareLimited(registry, "fully-local");
  }

  /** The counter of local fallback decisions whose share the serving AP limited, by outcome. */
  private static Counter fallbackShareLimited(MeterRegistry registry, String outcome) {
    return Counter.builder("bdt.dpra.fallback.share.limited")
        .description(
            "local fallback decisions whose inference share was cut to what the serving AP"
                + " had left in the slot, or that ran fully local because it had none")
        .tag("outcome", outcome)
        .register(registry);
  }

  /** The plan of slot {@code t} for {@code samples} tasks over the APs at {@code urls}. */
  OffloadPlan plan(long t, int samples, List<String> urls) throws InterruptedException {
    int serving = Math.min(config.servingAp(), Math.max(1, urls.size()) - 1);
    double[] rates = uplinkRates(t, urls);
    // an AP this gateway has not yet measured is priced at its own speed once it has said it
    apSpeedPriors.refresh(urls);
    Optional<OffloadPlan> coordinated = coordinated(t, samples, serving, rates, urls);
    OffloadPlan plan =
        coordinated.isPresent() ? coordinated.get() : local(t, samples, serving, rates, urls);
    // a channel's rates are the ones the offloads are shaped to this slot
    return plan.withShapedRates(channel.isPresent() ? rates : null);
  }

  /**
   * {@code r_nm(t)} to every AP, bit/s: the channel's draw for the slot (and the shaper paces each
   * AP's offloads at it), or the measured EWMA when no channel is configured.
   */
  private double[] uplinkRates(long t, List<String> urls) {
    double[] rates = new double[Math.max(1, urls.size())];
    for (int m = 0; m < rates.length; m++) {
      if (channel.isPresent()) {
        rates[m] = channel.get().rate(t, m);
        if (shaper != null && m < urls.size()) {
          shaper.setRate(urls.get(m), rates[m]);
        }
      } else {
        rates[m] = uplink.uplinkRate(m);
      }
    }
    return rates;
  }

  /**
   * The slot coordinator's decision: the demand goes to the APs in index order until one answers
   * within the coordinator timeout; empty when none does (the caller decides locally).
   */
  private Optional<OffloadPlan> coordinated(
      long t, int samples, int serving, double[] rates, List<String> urls)
      throws InterruptedException {
    GatewayConfig.Inference c = config;
    ObjectNode demand = JsonNodeFactory.instance.objectNode();
    demand.put("slot", t);
    demand.put("samples", samples);
    demand.put("model", heads.costTable().model());
    demand.put("modelHash", heads.modelHash().hex());
    demand.put("uplinkRate", rates[serving]);
    demand.put("gatewayFlopsPerSecond", uplink.gatewayFlopsPerSecond());
    demand.put("servingAp", serving);
    GatewayDemand.FixedCosts fixed = uplink.fixedCosts(serving);
    demand.put("headRunSeconds", fixed.headRunSeconds());
    demand.put("offloadSeconds", fixed.offloadSeconds());
    // every configured AP is in range: the coordinator chooses among them (docs/dpra.md)
    // with the AP's speed on this model as measured here (0 while warming up: genesis phi_A)
    ArrayNode inRange = demand.putArray("inRange");
    double[] speed = apSpeed.apFlopsPerCycle();
    inRange
        .addObject()
        .put("ap", serving)
        .put("uplinkRate", rates[serving])
        .put("apFlopsPerCycle", speed[serving]);
    for (int m = 0; m < urls.size(); m++) {
      if (m != serving) {
        inRange
            .addObject()
            .put("ap", m)
            .put("uplinkRate", rates[m])
            .put("apFlopsPerCycle", m < speed.length ? speed[m] : 0);
      }
    }
    long deadline = System.nanoTime() + Math.round(c.coordinatorTimeoutSeconds() * 1e9);
    List<String> why = new ArrayList<>();
    for (String url : urls) {
      long left = deadline - System.nanoTime();
      if (left < 5_000_000) {
        why.add("no time left for " + url);
        break;
      }
      try {
        SlotAssignment a = aps.demand(url, demand, Duration.ofNanos(left));
        coordinatorDecisions.increment();
        if (fellBack) {
          fellBack = false;
          LOG.infof("slot %d: the slot coordinator at %s decides again", t, url);
        }
        return Optional.of(
            new OffloadPlan(
                a.cut(),
                a.inferenceShare(),
                null,
                Math.min(a.servingAp(), urls.size() - 1),
                a.predictedSecondsPerSample(),
                offloadOrder(Math.min(a.servingAp(), urls.size() - 1), new boolean[urls.size()])));
      } catch (OffloadRefused e) {
        // a live coordinator refused (e.g. LATE: its round closed): asking the next AP would
        // start a second coordinator for this slot, so this slot is decided here
        why.add(url + ": " + e.getMessage());
        break;
      } catch (IOException e) {
        why.add(url + ": " + e.getMessage());
      }
    }
    localDecisions.increment();
    if (!fellBack) {
      fellBack = true;
      LOG.warnf(
          "slot %d: no slot coordinator answered within %.3f s, deciding locally (%s)",
          t, c.coordinatorTimeoutSeconds(), String.join("; ", why));
    } else {
      LOG.debugf("slot %d: deciding locally (%s)", t, String.join("; ", why));
    }
    return Optional.empty();
  }

  /**
   * This gateway's own DPRA decision ({@code N = 1}) from the APs' reported states, its inference
   * share bounded by what the serving AP says this gateway can claim in slot {@code t} ({@link
   * #fitShare}).
   */
  private OffloadPlan local(long t, int samples, int serving, double[] rates, List<String> urls) {
    GatewayConfig.Inference c = config;
    int m = Math.max(1, urls.size());
    double[] budget = new double[m];
    double[] reputation = new double[m];
    double[] queue = new double[m];
    boolean[] down = new boolean[m];
    double[] available = new double[m];
    java.util.Arrays.fill(available, Double.NaN);
    String policy = null;
    for (int a = 0; a < m; a++) {
      budget[a] = chainParameters.apBudgetHz();
      down[a] = true;
      if (a < urls.size()) {
        try {
          ApStatus status = aps.status(urls.get(a), t, Duration.ofMillis(500));
          apSpeedPriors.take(a, status);
          available[a] = status.slotInferenceAvailable();
          budget[a] = status.budget() > 0 ? status.budget() : budget[a];
          reputation[a] = Math.min(1, Math.max(0, status.reputation()));
          queue[a] = Math.max(0, status.queue());
          down[a] = false;
          // the first AP that answers says the policy (every AP's coordinator has the same)
          policy = policy == null ? status.coordinatorPolicy() : policy;
        } catch (IOException e) {
          LOG.debugf("AP %s is not answering: %s", urls.get(a), e.getMessage());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    if (down[serving]) {
      // the configured AP is down: another that answered serves this slot, if any
      for (int a = 0; a < m; a++) {
        if (!down[a]) {
          serving = a;
          break;
        }
      }
    }
    boolean servingUp = !down[serving];
    SlotObservation observation =
        new SlotObservation(
            new int[] {samples},
            List.of(heads.costTable()),
            new int[] {serving},
            new double[] {rates[serving]},
            new double[] {uplink.gatewayFlopsPerSecond()},
            budget,
            reputation,
            queue,
            new double[] {uplink.fixedCosts(serving).headRunSeconds()},
            new double[] {uplink.fixedCosts(serving).offloadSeconds()},
            new double[][] {java.util.Arrays.copyOf(apSpeed.apFlopsPerCycle(), m)});
    if (!servingUp) {
      // no AP to offload to: the only feasible cut
      int cut = heads.fullyLocalCut();
      return new OffloadPlan(
          cut,
          0,
          0.0,
          serving,
          SlotCost.gatewayLatency(observation, parameters, 0, cut, 0) / samples,
          List.of());
    }
    SlotDecision decision = decide(policy == null ? Dpra.NAME : policy, observation);
    int cut = decision.cut()[0];
    double share = decision.inferenceShare()[0];
    double fitted = fitShare(share, available[serving], budget[serving]);
    if (fitted != share) {
      // the AP would refuse the decided share (BUDGET_EXCEEDED): the slot's budget there is
      // given, to the coordinator's assignments and mining or to other gateways' fallbacks
      share = fitted;
      if (share == 0) {
        cut = heads.fullyLocalCut();
        fallbackLocal.increment();
      } else {
        fallbackShareCut.increment();
      }
    }
    return new OffloadPlan(
        cut,
        share,
        decision.miningShare()[serving],
        serving,
        SlotCost.gatewayLatency(observation, parameters, 0, cut, share) / samples,
        offloadOrder(serving, down));
  }

  /**
   * The local decision under {@code policy}, the coordinator's ({@code DPRA}: this gateway's own
   * controller, which learns across slots; a baseline: one instance per name, kept), so that a run
   * under a baseline does not fall back to DPRA; an unknown name decides with DPRA, logged once.
   */
  private SlotDecision decide(String policy, SlotObservation observation) {
    if (policy.equals(Dpra.NAME)) {
      return controller.decide(observation);
    }
    Policy baseline =
        baselines.computeIfAbsent(
            policy,
            name -> {
              try {
                return Algorithms.named(name, parameters, BASELINE_SEED);
              } catch (IllegalArgumentException e) {
                LOG.warnf(
                    "the coordinator's policy is %s: deciding locally with DPRA", e.getMessage());
                return null;
              }
            });
    return baseline == null ? controller.decide(observation) : baseline.decide(observation);
  }

  /**
   * The inference share a local decision of {@code share} Hz claims at an AP where this gateway can
   * claim {@code available} Hz in the slot (NaN: the AP did not say): the decided share when it
   * fits, else what is available, and 0 (run fully local) when that is under {@link
   * #MIN_FALLBACK_SHARE} of the AP's budget, a share that would run the tail at the lane's smallest
   * duty cycle.
   */
  static double fitShare(double share, double available, double budget) {
    if (Double.isNaN(available) || share <= available * (1 + 1e-6)) {
      return share;
    }
    return available < MIN_FALLBACK_SHARE * budget ? 0 : available;
  }

  /** Below this fraction of the AP's budget a local fallback does not offload. */
  static final double MIN_FALLBACK_SHARE = 0.02;

  /** The serving AP first, then every other AP not known to be down this slot, by index. */
  private static List<Integer> offloadOrder(int serving, boolean[] down) {
    List<Integer> order = new ArrayList<>();
    order.add(serving);
    for (int a = 0; a < down.length; a++) {
      if (a != serving && !down[a]) {
        order.add(a);
      }
    }
    return order;
  }
}
