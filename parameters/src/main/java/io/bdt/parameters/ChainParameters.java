package io.bdt.parameters;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The system model's parameter set that every part of a running B-DT network must agree on: the
 * {@code system} section of the genesis (chain spec), its single source. The chain validates
 * difficulties with {@code D_0} and {@code eta}, the ReputationLedger is deployed with {@code
 * omega}, {@code tau} and {@code F_m}, the APs run their virtual queues on {@code R_min} and {@code
 * tau}, and the gateways' DPRA controller plans with all of them. docs/dpra.md, "One parameter
 * set".
 *
 * @param baseDifficulty {@code D_0}: expected hashes per block at reputation 0; a whole number
 * @param eta {@code eta}: difficulty reduction per unit of reputation, {@code D_m = D_0 e^(-eta
 *     R_m)}
 * @param cyclesPerHash {@code psi}: CPU cycles per PoW hash
 * @param omega {@code omega}: reputation smoothing factor, in (0, 1]
 * @param rMin {@code R_min}: long-term reputation floor per AP, in [0, 1]
 * @param slotSeconds {@code tau}: slot length, s
 * @param consensusOverheadSeconds {@code delta_prop + delta_val}: block propagation and validation
 *     time, s
 * @param apBudgetHz {@code F_m}: an AP's compute budget, cycles/s (every AP is registered on the
 *     ledger with it)
 * @param apFlopsPerCycle {@code phi_A}: FLOPs per cycle on an AP
 */
public record ChainParameters(
    double baseDifficulty,
    double eta,
    double cyclesPerHash,
    double omega,
    double rMin,
    double slotSeconds,
    double consensusOverheadSeconds,
    double apBudgetHz,
    double apFlopsPerCycle) {

  /**
   * The parameter set a new network's genesis is to get unless told otherwise (issue 12: the
   * genesis writers put it into the {@code system} section, read from there by everything else).
   * {@code D_0 = 20000} hashes (the platform chain's) with {@code psi = 1.3e4} cycles per hash (20
   * GHz over the ~1.5 M hashes/s of one core's miner, docs/consensus.md); {@code R_min = 0.3} (the
   * APs' floor), {@code omega = 0.1}, {@code tau = 1 s}; {@code F_m = 20 GHz} and {@code phi_A =
   * 16} as the simulator's default scenario.
   */
  public static final ChainParameters NEW_NETWORK =
      new ChainParameters(20_000, 2.0, 1.3e4, 0.1, 0.3, 1, 0.15, 2e10, 16);

  /** Largest {@code D_0}: every whole number up to it is exact as a double. */
  public static final double MAX_BASE_DIFFICULTY = 0x1p53;

  public ChainParameters {
    List<String> p = new ArrayList<>();
    check(
        p,
        "baseDifficulty",
        baseDifficulty,
        baseDifficulty >= 1
            && baseDifficulty <= MAX_BASE_DIFFICULTY
            && baseDifficulty == Math.rint(baseDifficulty),
        "must be a whole number in [1, 2^53]");
    check(p, "eta", eta, eta >= 0, "must be >= 0");
    check(p, "cyclesPerHash", cyclesPerHash, cyclesPerHash > 0, "must be > 0");
    check(p, "omega", omega, omega > 0 && omega <= 1, "must be in (0, 1]");
    check(p, "rMin", rMin, rMin >= 0 && rMin <= 1, "must be in [0, 1]");
    check(p, "slotSeconds", slotSeconds, slotSeconds > 0, "must be > 0");
    check(
        p,
        "consensusOverheadSeconds",
        consensusOverheadSeconds,
        consensusOverheadSeconds >= 0,
        "must be >= 0");
    check(p, "apBudgetHz", apBudgetHz, apBudgetHz > 0, "must be > 0");
    check(p, "apFlopsPerCycle", apFlopsPerCycle, apFlopsPerCycle > 0, "must be > 0");
    if (!p.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", p));
    }
  }

  private static void check(List<String> problems, String field, double v, boolean ok, String r) {
    if (!ok || !Double.isFinite(v)) {
      problems.add("genesis.system." + field + ": " + r + ", was " + v);
    }
  }

  /**
   * The {@code system} section of the genesis (chain spec) file {@code genesis}: how a service that
   * does not run a node (a gateway) reads the network's parameter set.
   *
   * @throws IOException if the file cannot be read or is not JSON
   * @throws IllegalArgumentException naming what is missing or wrong
   */
  public static ChainParameters readGenesis(Path genesis) throws IOException {
    ObjectMapper json = new ObjectMapper();
    JsonNode system = json.readTree(genesis.toFile()).get("system");
    if (system == null || !system.isObject()) {
      throw new IllegalArgumentException(
          "genesis.system: " + genesis + " has no system section (the network's parameter set)");
    }
    try {
      return json.treeToValue(system, ChainParameters.class);
    } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
      Throwable cause = e.getCause() instanceof IllegalArgumentException i ? i : e;
      throw new IllegalArgumentException(cause.getMessage(), e);
    }
  }

  /** This set with {@code D_0 = baseDifficulty} and {@code eta}. */
  public ChainParameters withDifficulty(double baseDifficulty, double eta) {
    return new ChainParameters(
        baseDifficulty,
        eta,
        cyclesPerHash,
        omega,
        rMin,
        slotSeconds,
        consensusOverheadSeconds,
        apBudgetHz,
        apFlopsPerCycle);
  }

  /** This set with {@code tau = slotSeconds}. */
  public ChainParameters withSlotSeconds(double slotSeconds) {
    return new ChainParameters(
        baseDifficulty,
        eta,
        cyclesPerHash,
        omega,
        rMin,
        slotSeconds,
        consensusOverheadSeconds,
        apBudgetHz,
        apFlopsPerCycle);
  }

  /** {@code D_m = D_0 exp(-eta R_m)}: expected hashes per block for an AP of reputation r. */
  public double difficulty(double reputation) {
    return baseDifficulty * Math.exp(-eta * reputation);
  }

  /**
   * The FLOPs a compute share of {@code hertz} cycles/s delivers in one slot, {@code hertz * phi_A
   * * tau}: the unit in which the ReputationLedger counts both an AP's capacity {@code F_m} and the
   * inference shares {@code f_mn^I} it gave, so that its {@code x_m = served / capacity} is the
   * model's {@code sum_n f_mn^I / F_m}.
   */
  public double slotFlops(double hertz) {
    if (!(hertz >= 0) || Double.isInfinite(hertz)) {
      throw new IllegalArgumentException("share: must be a finite number of Hz >= 0, was " + hertz);
    }
    return hertz * apFlopsPerCycle * slotSeconds;
  }

  /** {@code F_m} in the ledger's unit: {@link #slotFlops} of the whole budget, at least 1. */
  public long ledgerCapacityFlops() {
    return Math.max(1, Math.round(slotFlops(apBudgetHz)));
  }

  /**
   * What one receipt records for a task of a slot in which the AP gave its gateway {@code
   * inferenceShareHz}, when {@code tasks} tasks of that gateway share the slot's decision: the
   * share's {@link #slotFlops} split evenly over them (so the slot counts {@code f_mn^I / F_m}
   * once, whatever the number of tasks), at least 1 (the ledger refuses 0).
   */
  public long receiptFlops(double inferenceShareHz, int tasks) {
    if (tasks < 1) {
      throw new IllegalArgumentException("tasks: must be >= 1, was " + tasks);
    }
    return Math.max(1, (long) Math.floor(slotFlops(inferenceShareHz) / tasks));
  }

  /**
   * {@code tau} as the ReputationLedger's whole seconds.
   *
   * @throws IllegalArgumentException when {@code tau} is not a whole number of seconds
   */
  public long ledgerSlotSeconds() {
    if (slotSeconds != Math.rint(slotSeconds) || slotSeconds < 1) {
      throw new IllegalArgumentException(
          "genesis.system.slotSeconds: the ReputationLedger counts whole seconds, was "
              + slotSeconds);
    }
    return (long) slotSeconds;
  }
}
