package io.bdt.optimizer.dpra;

import io.bdt.optimizer.cost.CostTable;
import java.util.Objects;

/**
 * The per-slot frequency allocation once the cuts are fixed: how each AP splits its budget between
 * the tail layers of the gateways it serves and block generation.
 *
 * <p>It minimizes the decision-dependent part of the drift-plus-penalty bound,
 *
 * <pre>
 *   sum_n a_n / f_n  +  V / S  -  sum_m q_m sum_{n in A_m} f_n,     S = sum_m w_m f_m^B
 *   subject to  sum_{n in A_m} f_n + f_m^B <= F_m,  f >= 0
 * </pre>
 *
 * with {@code a_n = V b_n c_{k_n}^tail / phi_A} (FLOPs-seconds weight, so {@code a_n / f_n} is
 * {@code V T_ap}), {@code w_m = 1 / (psi D_m(R_m(t)))} (blocks per cycle), and {@code q_m = Q_m
 * omega / F_m} (reputation reward per Hz of inference). A gateway with {@code a_n = 0} needs no
 * share and gets none: it has no task, runs fully local, or its cut leaves no tail work; an AP
 * earns reputation only by serving tail work, as its receipts would show.
 *
 * @param v {@code V}
 * @param servingAp {@code m(n)} per gateway
 * @param tailWeight {@code a_n} per gateway, >= 0 (0 = needs no share)
 * @param budget {@code F_m} per AP, Hz
 * @param miningWeight {@code w_m = 1 / (psi D_m)} per AP, blocks per cycle
 * @param reputationPrice {@code q_m = Q_m omega / F_m} per AP, per Hz
 */
public record AllocationProblem(
    double v,
    int[] servingAp,
    double[] tailWeight,
    double[] budget,
    double[] miningWeight,
    double[] reputationPrice) {

  public AllocationProblem {
    Objects.requireNonNull(servingAp, "servingAp");
    Objects.requireNonNull(tailWeight, "tailWeight");
    Objects.requireNonNull(budget, "budget");
    Objects.requireNonNull(miningWeight, "miningWeight");
    Objects.requireNonNull(reputationPrice, "reputationPrice");
    if (!(v > 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException("v must be finite and > 0, got " + v);
    }
    if (servingAp.length != tailWeight.length) {
      throw new IllegalArgumentException(
          "servingAp and tailWeight need one entry per gateway, got lengths "
              + servingAp.length
              + " and "
              + tailWeight.length);
    }
    int m = budget.length;
    if (miningWeight.length != m || reputationPrice.length != m) {
      throw new IllegalArgumentException(
          "budget, miningWeight and reputationPrice need one entry per AP, got lengths "
              + m
              + ", "
              + miningWeight.length
              + ", "
              + reputationPrice.length);
    }
    for (int n = 0; n < servingAp.length; n++) {
      if (servingAp[n] < 0 || servingAp[n] >= m) {
        throw new IllegalArgumentException(
            "servingAp[" + n + "] must be in [0, " + m + "), got " + servingAp[n]);
      }
      if (!(tailWeight[n] >= 0) || Double.isInfinite(tailWeight[n])) {
        throw new IllegalArgumentException(
            "tailWeight[" + n + "] must be finite and >= 0, got " + tailWeight[n]);
      }
    }
    for (int a = 0; a < m; a++) {
      if (!(budget[a] > 0) || Double.isInfinite(budget[a])) {
        throw new IllegalArgumentException(
            "budget[" + a + "] must be finite and > 0 Hz, got " + budget[a]);
      }
      if (!(miningWeight[a] > 0) || Double.isInfinite(miningWeight[a])) {
        throw new IllegalArgumentException(
            "miningWeight[" + a + "] must be finite and > 0, got " + miningWeight[a]);
      }
      if (!(reputationPrice[a] >= 0) || Double.isInfinite(reputationPrice[a])) {
        throw new IllegalArgumentException(
            "reputationPrice[" + a + "] must be finite and >= 0, got " + reputationPrice[a]);
      }
    }
  }

  /** The allocation problem of {@code observation} when gateway n uses cut {@code cut[n]}. */
  public static AllocationProblem of(
      SlotObservation observation, SystemParameters parameters, int[] cut) {
    int n = observation.gateways();
    if (cut.length != n) {
      throw new IllegalArgumentException(
          "cut has length " + cut.length + " but needs one entry per gateway (N = " + n + ")");
    }
    double[] tail = new double[n];
    for (int g = 0; g < n; g++) {
      tail[g] = tailWeight(observation, parameters, g, cut[g]);
    }
    int m = observation.accessPoints();
    double[] w = new double[m];
    double[] q = new double[m];
    for (int a = 0; a < m; a++) {
      w[a] = miningWeight(parameters, observation.reputation()[a]);
      q[a] = reputationPrice(parameters, observation.virtualQueue()[a], observation.apBudget()[a]);
    }
    return new AllocationProblem(
        parameters.v(),
        observation.servingAp().clone(),
        tail,
        observation.apBudget().clone(),
        w,
        q);
  }

  /**
   * {@code a_n = V b_n c_k^tail / phi_A} ({@code phi_A} measured where it is), or 0 when gateway n
   * needs no share at cut k.
   */
  static double tailWeight(
      SlotObservation observation, SystemParameters parameters, int n, int cut) {
    CostTable table = observation.models().get(n);
    if (cut < 0 || cut > table.fullyLocalCut()) {
      throw new IllegalArgumentException(
          "cut["
              + n
              + "] = "
              + cut
              + " is outside gateway "
              + n
              + "'s cost table (cuts 0.."
              + table.fullyLocalCut()
              + ")");
    }
    if (!observation.hasTask(n) || cut == table.fullyLocalCut()) {
      return 0;
    }
    return parameters.v()
        * observation.taskSamples()[n]
        * table.cut(cut).tailFlops()
        / observation.apFlopsPerCycle(n, parameters);
  }

  /** {@code w_m = 1 / (psi D_m(R_m))}: blocks per cycle of mining. */
  static double miningWeight(SystemParameters parameters, double reputation) {
    return 1.0 / (parameters.cyclesPerHash() * parameters.difficulty(reputation));
  }

  /** {@code q_m = Q_m omega / F_m}. */
  static double reputationPrice(SystemParameters parameters, double queue, double budget) {
    return queue * parameters.omega() / budget;
  }

  /** {@code N}. */
  public int gateways() {
    return servingAp.length;
  }

  /** {@code M}. */
  public int accessPoints() {
    return budget.length;
  }

  /** Whether gateway {@code n} needs an inference share ({@code a_n > 0}). */
  public boolean needsShare(int n) {
    return tailWeight[n] > 0;
  }

  /**
   * The allocation objective {@code sum a_n / f_n + V / S - sum_m q_m sum f_n} of the given shares
   * ({@code +Infinity} when a gateway that needs a share has none, or nobody mines).
   */
  public double objective(double[] inferenceShare, double[] miningShare) {
    double value = 0;
    for (int n = 0; n < servingAp.length; n++) {
      if (tailWeight[n] > 0) {
        value += tailWeight[n] / inferenceShare[n];
        value -= reputationPrice[servingAp[n]] * inferenceShare[n];
      }
    }
    double s = 0;
    for (int a = 0; a < budget.length; a++) {
      s += miningWeight[a] * miningShare[a];
    }
    return value + (s > 0 ? v / s : Double.POSITIVE_INFINITY);
  }
}
