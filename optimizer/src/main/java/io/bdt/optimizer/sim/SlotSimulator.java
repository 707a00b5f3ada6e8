package io.bdt.optimizer.sim;

import io.bdt.optimizer.dpra.AssociationPlan;
import io.bdt.optimizer.dpra.AssociationPolicy;
import io.bdt.optimizer.dpra.InRange;
import io.bdt.optimizer.dpra.Policy;
import io.bdt.optimizer.dpra.SlotDecision;
import io.bdt.optimizer.dpra.SlotObservation;
import io.bdt.optimizer.model.ReputationDynamics;
import io.bdt.optimizer.model.SlotCost;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs policies over the same slots: every policy sees the same tasks and channels, and keeps its
 * own reputations {@code R_m} and virtual queues {@code Q_m}, which evolve from its own decisions.
 *
 * <p>Where gateways have several APs in range ({@link Environment#decidesAssociation()}), a policy
 * that chooses the association ({@link AssociationPolicy}: DPRA) picks each gateway's serving AP
 * every slot and the slot is scored with that AP's rate; the others keep the fixed serving AP.
 *
 * <p>Each slot's decision is checked for feasibility and scored with {@link SlotCost}. Policies run
 * on separate threads, but each one only reads the shared draws and its own state, so the outcome
 * of a run does not depend on the number of threads or their timing.
 */
public final class SlotSimulator {

  private final Environment environment;
  private final int threads;

  /** A simulator of {@code environment} that runs up to {@code threads} policies at once. */
  public SlotSimulator(Environment environment, int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    this.environment = environment;
    this.threads = threads;
  }

  /** A single-threaded simulator of {@code environment}. */
  public SlotSimulator(Environment environment) {
    this(environment, 1);
  }

  /** Called once per simulated (policy, slot) pair, from any thread; must be thread-safe. */
  @FunctionalInterface
  public interface Progress {
    Progress NONE = () -> {};

    void slotDone();
  }

  /** Runs every policy over {@code draws}; results are in the order of {@code policies}. */
  public List<AlgorithmRun> run(List<Policy> policies, List<SlotDraw> draws, Progress progress) {
    for (SlotDraw draw : draws) {
      if (draw.taskSamples().length != environment.gateways()) {
        throw new IllegalArgumentException(
            "SlotDraw has "
                + draw.taskSamples().length
                + " gateways but the environment has N = "
                + environment.gateways());
      }
    }
    if (threads == 1 || policies.size() == 1) {
      List<AlgorithmRun> runs = new ArrayList<>();
      for (Policy policy : policies) {
        runs.add(runOne(policy, draws, progress));
      }
      return runs;
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, policies.size()));
    try {
      List<Future<AlgorithmRun>> futures = new ArrayList<>();
      for (Policy policy : policies) {
        futures.add(pool.submit(() -> runOne(policy, draws, progress)));
      }
      List<AlgorithmRun> runs = new ArrayList<>();
      for (Future<AlgorithmRun> future : futures) {
        runs.add(future.get());
      }
      return runs;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("simulation interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  /** Runs one policy over {@code draws} from {@code R_m(0)} and empty queues. */
  public AlgorithmRun runOne(Policy policy, List<SlotDraw> draws, Progress progress) {
    var parameters = environment.parameters();
    ReputationDynamics dynamics = ReputationDynamics.of(parameters);
    double[] reputation = environment.initialReputation().clone();
    double[] queue = new double[environment.accessPoints()];
    List<SlotOutcome> outcomes = new ArrayList<>(draws.size());
    for (int t = 0; t < draws.size(); t++) {
      SlotDraw draw = draws.get(t);
      SlotObservation observation =
          new SlotObservation(
              draw.taskSamples().clone(),
              environment.models(),
              environment.servingAp().clone(),
              draw.uplinkRate().clone(),
              environment.gatewayFlopsPerSecond().clone(),
              environment.apBudget().clone(),
              reputation.clone(),
              queue.clone());
      SlotDecision decision;
      if (environment.decidesAssociation() && policy instanceof AssociationPolicy associating) {
        AssociationPlan plan =
            associating.decide(observation, new InRange(environment.inRange(), draw.inRangeRate()));
        observation = plan.observation();
        decision = plan.decision();
      } else {
        decision = policy.decide(observation);
      }
      SlotCost cost;
      try {
        cost = SlotCost.evaluate(observation, parameters, decision);
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException(
            policy.name() + " made an infeasible decision in slot " + t + ": " + e.getMessage(), e);
      }
      double[] nextReputation = cost.nextReputation();
      double[] nextQueue = dynamics.nextQueue(queue, nextReputation);
      double inference = 0;
      int tasks = 0;
      int offloaded = 0;
      int[] cut = decision.cut().clone();
      for (int n = 0; n < cut.length; n++) {
        inference += cost.gatewayLatency()[n];
        if (observation.hasTask(n)) {
          tasks++;
          if (cut[n] != environment.models().get(n).fullyLocalCut()) {
            offloaded++;
          }
        }
      }
      outcomes.add(
          new SlotOutcome(
              t,
              inference,
              cost.consensusLatency(),
              nextReputation,
              nextQueue,
              cut,
              tasks,
              offloaded));
      reputation = nextReputation;
      queue = nextQueue;
      progress.slotDone();
    }
    return new AlgorithmRun(policy.name(), outcomes);
  }
}
