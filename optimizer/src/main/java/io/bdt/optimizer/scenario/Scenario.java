package io.bdt.optimizer.scenario;

import io.bdt.optimizer.cost.BuiltinModels;
import io.bdt.optimizer.dpra.SystemParameters;
import io.bdt.parameters.ChainParameters;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything that defines a simulated B-DT system: sizes, radio, compute, consensus, reputation,
 * workload and seed. Field names are the JSON names of a scenario file ({@code docs/scenario.md});
 * the constructor checks every rule and names each broken one ({@code scenario.bandwidthHz: must be
 * > 0, was -1.0}).
 *
 * @param seed fixes gateway placement and, unless a caller passes another, the slot draws
 * @param gateways {@code N}: number of gateways
 * @param accessPoints {@code M}: number of APs
 * @param slotSeconds {@code tau}: slot length, s
 * @param bandwidthHz {@code B_n}: uplink bandwidth of every gateway, Hz
 * @param transmitPowerWatts {@code p_n}: gateway transmit power, W
 * @param noiseDensityDbmPerHz {@code N0}: noise power spectral density, dBm/Hz
 * @param pathLossInterceptDb path loss at 1 km, dB
 * @param pathLossSlopeDb path loss per decade of distance, dB
 * @param minDistanceMeters smallest gateway-to-AP distance, m
 * @param maxDistanceMeters largest gateway-to-AP distance, m
 * @param gatewayCpuHz {@code f_n^G}: gateway CPU rate, cycles/s
 * @param gatewayFlopsPerCycle {@code phi_G}: gateway FLOPs per cycle
 * @param apBudgetHz {@code F_m}: AP compute budget, cycles/s
 * @param apFlopsPerCycle {@code phi_A}: AP FLOPs per cycle
 * @param omega {@code omega}: reputation smoothing factor, in (0, 1]
 * @param rMin {@code R_min}: long-term reputation floor, in [0, 1]
 * @param eta {@code eta}: difficulty reduction per unit of reputation, {@code D_m = D_0 e^(-eta R)}
 * @param cyclesPerHash {@code psi}: CPU cycles per PoW hash
 * @param baseDifficulty {@code D_0}: expected hashes per block at reputation 0
 * @param propagationSeconds {@code delta_prop}: block propagation time, s
 * @param validationSeconds {@code delta_val}: block validation time, s
 * @param initialReputation {@code R_m(0)} of every AP, in [0, 1]
 * @param v {@code V}: Lyapunov latency weight, > 0
 * @param models DNN per gateway: built-in names or cost-table JSON paths; gateway {@code n} runs
 *     {@code models[n mod size]}
 * @param association how gateways pick their serving AP
 * @param taskArrivalProbability {@code p}: probability that a gateway has a task in a slot
 * @param maxTaskSamples {@code b_max}: a task has uniform {@code 1..b_max} samples
 */
public record Scenario(
    long seed,
    int gateways,
    int accessPoints,
    double slotSeconds,
    double bandwidthHz,
    double transmitPowerWatts,
    double noiseDensityDbmPerHz,
    double pathLossInterceptDb,
    double pathLossSlopeDb,
    double minDistanceMeters,
    double maxDistanceMeters,
    double gatewayCpuHz,
    double gatewayFlopsPerCycle,
    double apBudgetHz,
    double apFlopsPerCycle,
    double omega,
    double rMin,
    double eta,
    double cyclesPerHash,
    double baseDifficulty,
    double propagationSeconds,
    double validationSeconds,
    double initialReputation,
    double v,
    List<String> models,
    Association association,
    double taskArrivalProbability,
    int maxTaskSamples) {

  public Scenario {
    models = models == null ? null : List.copyOf(models);
    // Compact-constructor parameters, not fields: the fields are assigned only after this body.
    List<String> p = new ArrayList<>();
    atLeast(p, "gateways", gateways, 1);
    atLeast(p, "accessPoints", accessPoints, 1);
    positive(p, "slotSeconds", slotSeconds);
    positive(p, "bandwidthHz", bandwidthHz);
    positive(p, "transmitPowerWatts", transmitPowerWatts);
    finite(p, "noiseDensityDbmPerHz", noiseDensityDbmPerHz);
    finite(p, "pathLossInterceptDb", pathLossInterceptDb);
    positive(p, "pathLossSlopeDb", pathLossSlopeDb);
    positive(p, "minDistanceMeters", minDistanceMeters);
    positive(p, "maxDistanceMeters", maxDistanceMeters);
    if (minDistanceMeters > maxDistanceMeters) {
      p.add(
          "scenario.minDistanceMeters: must be <= maxDistanceMeters ("
              + maxDistanceMeters
              + "), was "
              + minDistanceMeters);
    }
    positive(p, "gatewayCpuHz", gatewayCpuHz);
    positive(p, "gatewayFlopsPerCycle", gatewayFlopsPerCycle);
    positive(p, "apBudgetHz", apBudgetHz);
    positive(p, "apFlopsPerCycle", apFlopsPerCycle);
    check(p, "omega", omega, omega > 0 && omega <= 1, "must be in (0, 1]");
    unitInterval(p, "rMin", rMin);
    check(p, "eta", eta, eta >= 0, "must be >= 0");
    positive(p, "cyclesPerHash", cyclesPerHash);
    positive(p, "baseDifficulty", baseDifficulty);
    check(p, "propagationSeconds", propagationSeconds, propagationSeconds >= 0, "must be >= 0");
    check(p, "validationSeconds", validationSeconds, validationSeconds >= 0, "must be >= 0");
    unitInterval(p, "initialReputation", initialReputation);
    positive(p, "v", v);
    if (models == null || models.isEmpty()) {
      p.add("scenario.models: must name at least one model");
    } else {
      for (int i = 0; i < models.size(); i++) {
        String entry = models.get(i);
        if (entry == null || (!isModelFile(entry) && !BuiltinModels.contains(entry))) {
          p.add(
              "scenario.models["
                  + i
                  + "]: must be a built-in model ("
                  + String.join(", ", BuiltinModels.names())
                  + ") or a cost-table .json file, was "
                  + (entry == null ? "null" : "\"" + entry + "\""));
        }
      }
    }
    if (association == null) {
      p.add("scenario.association: must be one of " + String.join(", ", Association.names()));
    }
    unitInterval(p, "taskArrivalProbability", taskArrivalProbability);
    atLeast(p, "maxTaskSamples", maxTaskSamples, 1);
    if (!p.isEmpty()) {
      throw new InvalidScenarioException(p);
    }
  }

  /** The default scenario of {@code system-model.md}, read from {@code scenarios/default.json}. */
  public static Scenario defaults() {
    return ScenarioFile.defaults();
  }

  /** Whether {@code entry} of {@code models} names a cost-table file rather than a built-in. */
  public static boolean isModelFile(String entry) {
    return entry.endsWith(".json");
  }

  /** The model entry gateway {@code n} runs. */
  public String modelOf(int gateway) {
    return models.get(gateway % models.size());
  }

  /** {@code delta_prop + delta_val}, s. */
  public double consensusOverheadSeconds() {
    return propagationSeconds + validationSeconds;
  }

  /**
   * Expected seconds for one AP mining with its whole budget at reputation 0 to find a block:
   * {@code D_0 psi / F_m}. The default scenario chooses {@code D_0} and {@code psi} to make it 4 s.
   */
  public double fullBudgetBlockSeconds() {
    return baseDifficulty * cyclesPerHash / apBudgetHz;
  }

  /**
   * The scenario's chain parameter set: what a genesis {@code system} section would hold for a
   * network built as this scenario.
   */
  public ChainParameters chainParameters() {
    return new ChainParameters(
        baseDifficulty,
        eta,
        cyclesPerHash,
        omega,
        rMin,
        slotSeconds,
        consensusOverheadSeconds(),
        apBudgetHz,
        apFlopsPerCycle);
  }

  /** The controller's parameters of this scenario: {@link #chainParameters()} and {@code V}. */
  public SystemParameters systemParameters() {
    return SystemParameters.of(chainParameters(), v);
  }

  /** This scenario with {@code V = v}. */
  public Scenario withV(double v) {
    return ScenarioFile.with(this, "v", v);
  }

  /** This scenario with another seed. */
  public Scenario withSeed(long seed) {
    return ScenarioFile.with(this, "seed", seed);
  }

  /** This scenario with {@code N = gateways}; gateways present in both keep their draws. */
  public Scenario withGateways(int gateways) {
    return ScenarioFile.with(this, "gateways", gateways);
  }

  /** This scenario with every gateway's bandwidth set to {@code hertz}. */
  public Scenario withBandwidthHz(double hertz) {
    return ScenarioFile.with(this, "bandwidthHz", hertz);
  }

  /** This scenario with every AP's budget set to {@code hertz}. */
  public Scenario withApBudgetHz(double hertz) {
    return ScenarioFile.with(this, "apBudgetHz", hertz);
  }

  private static void check(
      List<String> problems, String field, double value, boolean ok, String rule) {
    if (!ok || !Double.isFinite(value)) {
      problems.add("scenario." + field + ": " + rule + ", was " + value);
    }
  }

  private static void positive(List<String> problems, String field, double value) {
    check(problems, field, value, value > 0, "must be > 0");
  }

  private static void finite(List<String> problems, String field, double value) {
    check(problems, field, value, true, "must be finite");
  }

  private static void unitInterval(List<String> problems, String field, double value) {
    check(problems, field, value, value >= 0 && value <= 1, "must be in [0, 1]");
  }

  private static void atLeast(List<String> problems, String field, int value, int min) {
    if (value < min) {
      problems.add("scenario." + field + ": must be >= " + min + ", was " + value);
    }
  }
}
