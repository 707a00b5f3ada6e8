package io.bdt.optimizer.model;

import io.bdt.optimizer.cost.CostTable;
import io.bdt.optimizer.dpra.SlotDecision;
import io.bdt.optimizer.dpra.SlotObservation;
import io.bdt.optimizer.dpra.SystemParameters;
import java.util.Objects;

/**
 * What one slot's decision costs under the system model: per-gateway task latency, consensus
 * latency, the APs' contribution shares and next reputations, and the DPRA drift-plus-penalty
 * objective.
 *
 * <p>Per gateway {@code n} with a task of {@code b} samples at cut {@code k} (system-model.md):
 *
 * <pre>
 *   D_n = b c_k^head / (phi_G f_n^G) + b d_k / r_n + b c_k^tail / (phi_A f_n^I)
 * </pre>
 *
 * with the last two terms absent for the fully local cut {@code k = K} (where the head is the whole
 * model). A gateway without a task contributes no latency term (its entry is 0). The result return
 * {@code b d_out / r_down} is left out: the observation carries no downlink rate, and the model
 * calls it negligible; every policy is scored the same way, so comparisons are unaffected.
 *
 * <p>Consensus: {@code D^C = 1 / sum_m lambda_m + delta_prop + delta_val} with {@code lambda_m =
 * (f_m^B / psi) / D_m(R_m(t))} blocks/s. It is {@code +Infinity} when no AP mines.
 *
 * <p>The objective is the full drift-plus-penalty expression {@code V [sum_n D_n + D^C] - sum_m Q_m
 * R_m(t+1)} with {@code R_m(t+1) = (1 - omega) R_m(t) + omega x_m}. The part {@code (1 - omega)
 * R_m(t) Q_m} is constant within a slot, so keeping it does not change which decision is best; it
 * is kept so that the objective is the bound itself (comparable across solvers, never a near-zero
 * difference of constants).
 *
 * @param gatewayLatency {@code D_n(t)} per gateway, seconds (0 for a gateway without a task)
 * @param consensusLatency {@code D^C(t)}, seconds
 * @param contributionShare {@code x_m(t) = sum_{n in A_m} f_n^I / F_m} per AP, dimensionless
 * @param nextReputation {@code R_m(t+1)} per AP
 * @param objective {@code V [sum_n D_n + D^C] - sum_m Q_m R_m(t+1)}
 */
public record SlotCost(
    double[] gatewayLatency,
    double consensusLatency,
    double[] contributionShare,
    double[] nextReputation,
    double objective) {

  /**
   * Relative slack allowed on a per-AP budget {@code sum f^I + f^B <= F_m}, so that a solver's
   * floating-point rounding on a tight budget is not rejected.
   */
  public static final double BUDGET_TOLERANCE = 1e-9;

  /** {@code sum_n D_n + D^C}: the slot's latency penalty, seconds. */
  public double totalLatency() {
    double sum = consensusLatency;
    for (double d : gatewayLatency) {
      sum += d;
    }
    return sum;
  }

  /** Evaluates {@code decision} for the slot {@code observation} after validating it. */
  public static SlotCost evaluate(
      SlotObservation observation, SystemParameters parameters, SlotDecision decision) {
    Objects.requireNonNull(parameters, "parameters");
    validate(observation, decision);
    int n = observation.gateways();
    int m = observation.accessPoints();
    double[] latency = new double[n];
    double[] served = new double[m];
    for (int g = 0; g < n; g++) {
      if (!observation.hasTask(g)) {
        continue;
      }
      double share = decision.inferenceShare()[g];
      latency[g] = gatewayLatency(observation, parameters, g, decision.cut()[g], share);
      served[observation.servingAp()[g]] += share;
    }
    double consensus = consensusLatency(observation, parameters, decision.miningShare());
    double[] contribution = new double[m];
    double[] next = new double[m];
    ReputationDynamics dynamics = ReputationDynamics.of(parameters);
    double latencySum = consensus;
    for (double d : latency) {
      latencySum += d;
    }
    double objective = parameters.v() * latencySum;
    for (int a = 0; a < m; a++) {
      contribution[a] = Math.min(1.0, served[a] / observation.apBudget()[a]);
      next[a] = dynamics.nextReputation(observation.reputation()[a], contribution[a]);
      objective -= observation.virtualQueue()[a] * next[a];
    }
    return new SlotCost(latency, consensus, contribution, next, objective);
  }

  /**
   * {@code D_n}: latency in seconds of gateway {@code n}'s task at cut {@code cut} when its AP
   * gives it {@code inferenceShare} cycles/s:
   *
   * <pre>
   * D_n = b (delta_G + c_k^head / (phi_G f_n^G) + [k &lt; K] (delta_off + d_k / r_n
   *        + c_k^tail / (phi_A f_n^I)))
   * </pre>
   *
   * with the fixed costs {@code delta_G}, {@code delta_off} of the observation (0 in the system
   * model, measured on the platform) and {@code phi_A} measured for this gateway's model on its AP
   * once it is ({@link SlotObservation#apFlopsPerCycle(int, SystemParameters)}). Fully local: head
   * only. Offloaded with tail work but no share: {@code +Infinity}.
   */
  public static double gatewayLatency(
      SlotObservation observation,
      SystemParameters parameters,
      int n,
      int cut,
      double inferenceShare) {
    return gatewayLatency(
        observation, parameters, n, cut, inferenceShare, observation.uplinkRate()[n]);
  }

  /**
   * {@code D_n} as {@link #gatewayLatency(SlotObservation, SystemParameters, int, int, double)},
   * with the uplink rate {@code r_nm} (bit/s) to an AP other than the observation's serving one.
   */
  public static double gatewayLatency(
      SlotObservation observation,
      SystemParameters parameters,
      int n,
      int cut,
      double inferenceShare,
      double uplinkRate) {
    int b = observation.taskSamples()[n];
    if (b == 0) {
      return 0;
    }
    CostTable table = observation.models().get(n);
    CostTable.Cut c = table.cut(cut);
    double local =
        b
            * (observation.headRunSeconds()[n]
                + c.headFlops() / observation.gatewayFlopsPerSecond()[n]);
    if (cut == table.fullyLocalCut()) {
      return local;
    }
    double transmit = b * c.bits() == 0 ? 0 : b * c.bits() / uplinkRate;
    double tailWork = b * c.tailFlops();
    double ap =
        tailWork == 0
            ? 0
            : tailWork / (observation.apFlopsPerCycle(n, parameters) * inferenceShare);
    return local + b * observation.offloadSeconds()[n] + transmit + ap;
  }

  /**
   * {@code D^C = 1 / sum_m (f_m^B / psi) / D_m(R_m(t)) + overhead}, seconds; {@code +Infinity} if
   * no AP mines.
   */
  public static double consensusLatency(
      SlotObservation observation, SystemParameters parameters, double[] miningShare) {
    double blockRate = 0;
    for (int a = 0; a < miningShare.length; a++) {
      blockRate +=
          miningShare[a]
              / (parameters.cyclesPerHash() * parameters.difficulty(observation.reputation()[a]));
    }
    double wait = blockRate > 0 ? 1.0 / blockRate : Double.POSITIVE_INFINITY;
    return wait + parameters.consensusOverheadSeconds();
  }

  /**
   * Checks that {@code decision} is feasible for {@code observation}: one cut and one inference
   * share per gateway, one mining share per AP; every cut index inside its cost table; all shares
   * finite and {@code >= 0}; no inference share for a gateway that has no task or runs fully local;
   * and per AP {@code sum f^I + f^B <= F_m} up to {@link #BUDGET_TOLERANCE} (relative).
   *
   * @throws IllegalArgumentException naming the broken field and rule
   */
  public static void validate(SlotObservation observation, SlotDecision decision) {
    Objects.requireNonNull(observation, "observation");
    Objects.requireNonNull(decision, "decision");
    int n = observation.gateways();
    int m = observation.accessPoints();
    int[] cut = Objects.requireNonNull(decision.cut(), "SlotDecision.cut");
    double[] inference =
        Objects.requireNonNull(decision.inferenceShare(), "SlotDecision.inferenceShare");
    double[] mining = Objects.requireNonNull(decision.miningShare(), "SlotDecision.miningShare");
    requireLength("cut", cut.length, n, "gateway (N = " + n + ")");
    requireLength("inferenceShare", inference.length, n, "gateway (N = " + n + ")");
    requireLength("miningShare", mining.length, m, "AP (M = " + m + ")");
    double[] used = new double[m];
    for (int g = 0; g < n; g++) {
      CostTable table = observation.models().get(g);
      if (cut[g] < 0 || cut[g] > table.fullyLocalCut()) {
        throw new IllegalArgumentException(
            "SlotDecision.cut["
                + g
                + "] = "
                + cut[g]
                + " is outside gateway "
                + g
                + "'s cost table ("
                + table.model()
                + ": cuts 0.."
                + table.fullyLocalCut()
                + ")");
      }
      requireShare("inferenceShare", g, inference[g]);
      int ap = observation.servingAp()[g];
      boolean offloads = observation.hasTask(g) && cut[g] != table.fullyLocalCut();
      if (!offloads && inference[g] > BUDGET_TOLERANCE * observation.apBudget()[ap]) {
        throw new IllegalArgumentException(
            "SlotDecision.inferenceShare["
                + g
                + "] = "
                + inference[g]
                + " must be 0: gateway "
                + g
                + (observation.hasTask(g) ? " runs fully local" : " has no task")
                + " this slot");
      }
      used[ap] += inference[g];
    }
    for (int a = 0; a < m; a++) {
      requireShare("miningShare", a, mining[a]);
      double budget = observation.apBudget()[a];
      double total = used[a] + mining[a];
      if (total > budget * (1 + BUDGET_TOLERANCE)) {
        throw new IllegalArgumentException(
            "AP "
                + a
                + " is over budget: inference shares "
                + used[a]
                + " Hz + miningShare "
                + mining[a]
                + " Hz = "
                + total
                + " Hz > apBudget "
                + budget
                + " Hz");
      }
    }
  }

  private static void requireLength(String field, int actual, int expected, String per) {
    if (actual != expected) {
      throw new IllegalArgumentException(
          "SlotDecision." + field + " has length " + actual + " but needs one entry per " + per);
    }
  }

  private static void requireShare(String field, int index, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(
          "SlotDecision." + field + "[" + index + "] must be finite and >= 0 Hz, got " + value);
    }
  }
}
