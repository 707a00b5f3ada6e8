package io.bdt.optimizer.dpra;

import io.bdt.parameters.ChainParameters;

/**
 * The constants of the system model that stay fixed across slots, as the controller sees them.
 *
 * @param v {@code V}: Lyapunov trade-off weight (latency vs. reputation-queue backlog), 1/s units
 *     of the drift bound
 * @param apFlopsPerCycle {@code phi_A}: FLOPs per cycle on an AP
 * @param cyclesPerHash {@code psi}: CPU cycles per PoW hash
 * @param baseDifficulty {@code D_0}: expected hashes per block at zero reputation
 * @param eta {@code eta}: how strongly reputation lowers the difficulty, {@code D_m = D_0 exp(-eta
 *     R_m)}
 * @param omega {@code omega}: reputation smoothing factor in (0, 1]
 * @param rMin {@code R_min}: long-term reputation floor per AP, in [0, 1]
 * @param consensusOverheadSeconds {@code delta_prop + delta_val}: block propagation and validation
 *     time, seconds
 */
public record SystemParameters(
    double v,
    double apFlopsPerCycle,
    double cyclesPerHash,
    double baseDifficulty,
    double eta,
    double omega,
    double rMin,
    double consensusOverheadSeconds) {

  /**
   * The running platform's default {@code V}, for the slot coordinator ({@code
   * bdt.ap.coordinator.v}) and the gateways' fallback ({@code bdt.gateway.inference.v}); text, for
   * their configuration defaults. Live slot latencies are tens of milliseconds, so the virtual
   * queue at which an offload that costs {@code Delta D} more pays for the reputation it earns,
   * {@code Q* ~ V Delta D / (omega x)}, is about 1 at {@code V = 1} and is reached within a few
   * slots of a deficit; at {@code V = 10} it took 40 s live and the APs missed {@code R_min}
   * (docs/dpra.md, "Choosing V for the live platform").
   */
  public static final String LIVE_V = "1";

  public SystemParameters {
    requireFinite("v", v, v > 0, "> 0");
    requireFinite("apFlopsPerCycle", apFlopsPerCycle, apFlopsPerCycle > 0, "> 0");
    requireFinite("cyclesPerHash", cyclesPerHash, cyclesPerHash > 0, "> 0");
    requireFinite("baseDifficulty", baseDifficulty, baseDifficulty > 0, "> 0");
    requireFinite("eta", eta, eta >= 0, ">= 0");
    requireFinite("omega", omega, omega > 0 && omega <= 1, "in (0, 1]");
    requireFinite("rMin", rMin, rMin >= 0 && rMin <= 1, "in [0, 1]");
    requireFinite(
        "consensusOverheadSeconds",
        consensusOverheadSeconds,
        consensusOverheadSeconds >= 0,
        ">= 0");
  }

  private static void requireFinite(String field, double value, boolean ok, String rule) {
    if (!Double.isFinite(value) || !ok) {
      throw new IllegalArgumentException(
          "SystemParameters." + field + " must be finite and " + rule + ", got " + value);
    }
  }

  /**
   * The controller's parameters for a {@code chain} parameter set and the latency weight {@code v}:
   * the one way to build them from a parameter set.
   */
  public static SystemParameters of(ChainParameters chain, double v) {
    return new SystemParameters(
        v,
        chain.apFlopsPerCycle(),
        chain.cyclesPerHash(),
        chain.baseDifficulty(),
        chain.eta(),
        chain.omega(),
        chain.rMin(),
        chain.consensusOverheadSeconds());
  }

  /**
   * The controller's parameters for a {@code chain} parameter set at the platform's {@link
   * #LIVE_V}.
   */
  public static SystemParameters live(ChainParameters chain) {
    return of(chain, Double.parseDouble(LIVE_V));
  }

  /** These parameters with {@code V = v}. */
  public SystemParameters withV(double v) {
    return new SystemParameters(
        v,
        apFlopsPerCycle,
        cyclesPerHash,
        baseDifficulty,
        eta,
        omega,
        rMin,
        consensusOverheadSeconds);
  }

  /** {@code D_m = D_0 exp(-eta R_m)}: expected hashes per block for an AP of reputation r. */
  public double difficulty(double reputation) {
    return baseDifficulty * Math.exp(-eta * reputation);
  }
}
